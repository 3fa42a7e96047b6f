package com.prism.lts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;

/** What {@code -V} and {@code --version} print: the Maven project's version, which the build writes into the jar. */
public final class Version implements IVersionProvider {

    private static final String RESOURCE = "/prism-lts-version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"Prism LTS " + version()};
    }

    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "(unknown: built without Maven)");
    }

    /** Gives {@code commandLine} and each of its subcommands this version. */
    public static CommandLine install(CommandLine commandLine) {
        commandLine.getCommandSpec().versionProvider(new Version());
        commandLine.getSubcommands().values().forEach(Version::install);
        return commandLine;
    }
}
