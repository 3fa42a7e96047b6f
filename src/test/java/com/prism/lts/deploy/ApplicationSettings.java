package com.prism.lts.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The settings the application sees in a deployment, layered as camel-main layers them: environment variables over
 * {@code config/application.properties} over the packaged {@code application.properties} over Camel's own defaults.
 * Camel's defaults and the set of {@code camel.*} keys come from the metadata that Camel ships in its jars, so that
 * nothing here restates a value the application or Camel already defines.
 */
final class ApplicationSettings {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAMEL_MAIN_METADATA = "META-INF/camel-main-configuration-metadata.json";
    private static final String COMPONENT_PREFIX = "camel.component.";

    private final List<Map<String, String>> layers;

    private ApplicationSettings(List<Map<String, String>> layers) {
        this.layers = layers;
    }

    /** What the packaged jar runs with when nothing overrides it. */
    static ApplicationSettings packaged() {
        return of(new Properties(), Map.of());
    }

    /** {@code overrides} as in {@code config/application.properties}; {@code environment} as the container's. */
    static ApplicationSettings of(Properties overrides, Map<String, String> environment) {
        List<Map<String, String>> layers = new ArrayList<>();
        layers.add(environmentLayer(environment));
        layers.add(normalized(overrides));
        layers.add(normalized(packagedProperties()));
        layers.add(camelDefaults());
        return new ApplicationSettings(layers);
    }

    Optional<String> get(String key) {
        String normalized = normalize(key);
        return layers.stream().filter(layer -> layer.containsKey(normalized)).findFirst()
                .map(layer -> layer.get(normalized));
    }

    String require(String key) {
        return get(key).orElseThrow(() -> new AssertionError(key + " has no value and no default"));
    }

    int managementPort() {
        return Integer.parseInt(require("camel.management.port"));
    }

    /** The path of a health check of camel-main's management server: {@code live} or {@code ready}. */
    String healthPath(String check) {
        return managementPath(require("camel.management.health-path")) + "/" + check;
    }

    String metricsPath() {
        return managementPath(require("camel.metrics.path"));
    }

    private String managementPath(String path) {
        return require("camel.management.path").replaceAll("/$", "") + path;
    }

    /**
     * The files that camel.main.routes-include-pattern loads from {@code workingDirectory}, relative to it, such as
     * {@code routes/archive.yaml}. Each pattern names a folder and a file name glob ({@code file:routes/*.yaml}).
     */
    List<Path> routeFiles(Path workingDirectory) {
        List<Path> files = new ArrayList<>();
        for (String pattern : require("camel.main.routes-include-pattern").split(",")) {
            Path glob = Path.of(pattern.trim().replaceFirst("^file:", ""));
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob.getFileName());
            try (Stream<Path> folder = Files.list(workingDirectory.resolve(glob.getParent()))) {
                folder.filter(Files::isRegularFile).filter(file -> matcher.matches(file.getFileName()))
                        .map(workingDirectory::relativize).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files.stream().sorted().toList();
    }

    /** A key the packaged application.properties defines, or one camel-main or a Camel component can bind. */
    static boolean isKnown(String key) {
        if (packagedProperties().containsKey(key)) {
            return true;
        }
        if (key.startsWith(COMPONENT_PREFIX)) {
            String rest = key.substring(COMPONENT_PREFIX.length());
            int dot = rest.indexOf('.');
            return dot > 0 && componentOptions(rest.substring(0, dot))
                    .contains(rest.substring(dot + 1).replace("-", "").toLowerCase(Locale.ROOT));
        }
        return camelMainKeys().stream().map(ApplicationSettings::normalize).anyMatch(normalize(key)::equals);
    }

    static Properties packagedProperties() {
        return load("application.properties");
    }

    static Properties parse(String properties) {
        Properties parsed = new Properties();
        try {
            parsed.load(new StringReader(properties));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parsed;
    }

    /** Camel binds {@code camel.*} keys in kebab case or camel case alike; {@code prism.*} keys are taken as written. */
    private static String normalize(String key) {
        return key.startsWith("camel.") ? key.replace("-", "").toLowerCase(Locale.ROOT) : key;
    }

    /**
     * Placeholders ({@code prism.*}) and camel-main's own options ({@code camel.main.*}) are read from environment
     * variables such as {@code PRISM_FLUSH_SIZE}; other {@code camel.*} options are not (checked with the 4.18 jar:
     * {@code CAMEL_MANAGEMENT_PORT} has no effect).
     */
    private static Map<String, String> environmentLayer(Map<String, String> environment) {
        List<String> keys = new ArrayList<>(packagedProperties().stringPropertyNames());
        camelMainKeys().stream().filter(key -> key.startsWith("camel.main.")).forEach(keys::add);
        Map<String, String> layer = new HashMap<>();
        environment.forEach((variable, value) -> keys.stream()
                .filter(key -> squash(key).equals(squash(variable)))
                .forEach(key -> layer.put(normalize(key), value)));
        return layer;
    }

    private static String squash(String name) {
        return name.replaceAll("[._-]", "").toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> normalized(Properties properties) {
        Map<String, String> layer = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> layer.put(normalize(key), properties.getProperty(key)));
        return layer;
    }

    private static Map<String, String> camelDefaults() {
        Map<String, String> defaults = new HashMap<>();
        camelMainMetadata().forEach(property -> {
            if (property.has("defaultValue")) {
                defaults.put(normalize(property.get("name").asText()), property.get("defaultValue").asText());
            }
        });
        return defaults;
    }

    private static List<String> camelMainKeys() {
        List<String> keys = new ArrayList<>();
        camelMainMetadata().forEach(property -> keys.add(property.get("name").asText()));
        return keys;
    }

    private static JsonNode camelMainMetadata() {
        return json(CAMEL_MAIN_METADATA).get("properties");
    }

    /** The options of a component, from the JSON that Camel generates next to its class. */
    private static List<String> componentOptions(String component) {
        String descriptor = "META-INF/services/org/apache/camel/component/" + component;
        if (ApplicationSettings.class.getClassLoader().getResource(descriptor) == null) {
            return List.of();
        }
        String componentClass = load(descriptor).getProperty("class");
        String folder = componentClass.substring(0, componentClass.lastIndexOf('.')).replace('.', '/');
        List<String> options = new ArrayList<>();
        json("META-INF/" + folder + "/" + component + ".json").get("componentProperties").fieldNames()
                .forEachRemaining(option -> options.add(option.toLowerCase(Locale.ROOT)));
        return options;
    }

    private static Properties load(String resource) {
        Properties properties = new Properties();
        try (InputStream in = open(resource)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static JsonNode json(String resource) {
        try (InputStream in = open(resource)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = ApplicationSettings.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is not on the test class path");
        }
        return in;
    }
}
