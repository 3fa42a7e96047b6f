package com.prism.lts.app;

import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

import com.prism.lts.config.EnvironmentVariables;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.OrderedLocationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every {@code prism.*} setting that has a value when the archiver starts, with where the value came from, as
 * camel-main does for the {@code camel.*} options it binds: an operator sees which brokers, bucket, prefix, endpoint,
 * flush size and zone are in force without guessing which file or variable won. Secrets are masked.
 */
final class SettingsInForce {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsInForce.class);
    private static final String MASK = "xxxxxx";

    private SettingsInForce() {
    }

    static void log(PropertiesComponent properties) {
        Properties settings = properties.loadProperties(name -> name.startsWith("prism."));
        LOG.info("Prism LTS settings in force (docs/configuration.md):");
        for (String name : new TreeSet<>(settings.stringPropertyNames())) {
            String value = settings.getProperty(name).trim();
            if (!value.isEmpty()) {
                LOG.info("    {} = {} ({})", name, isSecret(name) ? MASK : value, source(settings, name));
            }
        }
    }

    /** Passwords, secret keys and tokens; a user name or an access key id is shown. */
    static boolean isSecret(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return last.endsWith("password") || last.endsWith("secret-key") || last.endsWith("token");
    }

    private static String source(Properties settings, String name) {
        String location = settings instanceof OrderedLocationProperties located ? located.getLocation(name) : null;
        if (location == null) {
            return "unknown";
        }
        return switch (location) {
            case OverridingSettings.ENVIRONMENT -> "environment variable " + EnvironmentVariables.name(name);
            case OverridingSettings.SYSTEM -> "system property";
            case "override" -> "given by the program that started the archiver";
            default -> location.contains("config/application.properties") ? "config/application.properties"
                    : location.contains("application.properties") ? "default" : location;
        };
    }
}
