package com.prism.lts.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Gives a tool's option the value of the archiver setting it names in its {@code descriptionKey}, so that a tool run
 * where the archiver runs looks at the same Kafka, registry and S3 without repeating them, and so that a default is
 * written down once, in {@code application.properties}.
 * <p>
 * Sources in decreasing order of precedence, as for the archiver: environment variable ({@code prism.s3.bucket} ->
 * {@code PRISM_S3_BUCKET}, see {@link EnvironmentVariables}), system property, {@code config/application.properties}
 * in the working directory, the built-in {@code application.properties}. An empty value counts as unset.
 */
public final class SettingDefaults implements IDefaultValueProvider {

    private final Function<String, Optional<String>> lookup;

    public SettingDefaults() {
        this(System.getenv());
    }

    /** The values the archiver will see with {@code environment} for its environment variables. */
    public SettingDefaults(Map<String, String> environment) {
        this(fromEnvironment(environment));
    }

    SettingDefaults(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    /** What a tool says when it needs a topic that {@code prism.topics} cannot give. */
    public static final String TOPIC_NEEDED = "--topic is needed: prism.topics is a pattern (prism.topics.is-pattern),"
            + " which names no topic";

    /** A tool's option's default: the setting it names, but no topic from a pattern ({@link #TOPIC_NEEDED}). */
    @Override
    public String defaultValue(ArgSpec arg) {
        String setting = arg.descriptionKey();
        if (setting == null || setting.isEmpty() || setting.equals("prism.topics")
                && value("prism.topics.is-pattern").map(Boolean::parseBoolean).orElse(false)) {
            return null;
        }
        return value(setting).orElse(null);
    }

    /** The value the archiver will see for {@code setting}, if it has one. */
    public Optional<String> value(String setting) {
        return lookup.apply(setting);
    }

    /** The settings of the built-in {@code application.properties}, each with its default. */
    public static Properties builtIn() {
        try {
            return load(SettingDefaults.class.getResourceAsStream("/application.properties"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Function<String, Optional<String>> fromEnvironment(Map<String, String> environment) {
        Path file = Path.of("config", "application.properties");
        try {
            Properties builtIn = builtIn();
            Properties local = load(Files.isRegularFile(file) ? Files.newInputStream(file) : null);
            return setting -> firstSet(environment.get(EnvironmentVariables.name(setting)), System.getProperty(setting),
                    local.getProperty(setting), builtIn.getProperty(setting));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<String> firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }

    private static Properties load(InputStream in) throws IOException {
        Properties properties = new Properties();
        if (in != null) {
            try (in) {
                properties.load(in);
            }
        }
        return properties;
    }
}
