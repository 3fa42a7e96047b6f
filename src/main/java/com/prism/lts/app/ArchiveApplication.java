package com.prism.lts.app;

import java.util.Map;
import java.util.Properties;

import org.apache.camel.main.Main;

/**
 * The archiver as a camel-main application: the routes in {@code routes/}, the beans of {@link ArchiveBeans}, and
 * settings from {@code application.properties}, {@code config/application.properties}, system properties and
 * environment variables, in increasing order of precedence.
 */
public final class ArchiveApplication {

    /** Camel takes a property from the first location that has it, so the overriding file comes first. */
    public static final String PROPERTY_LOCATIONS =
            "file:config/application.properties;optional=true,classpath:application.properties;optional=true";

    private ArchiveApplication() {
    }

    /** A camel-main application; {@code overrides} win over every other source of settings. */
    public static Main create(Map<String, String> overrides) {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        main.configure().addConfiguration(ArchiveBeans.class);
        if (!overrides.isEmpty()) {
            Properties properties = new Properties();
            properties.putAll(overrides);
            main.setOverrideProperties(properties);
        }
        return main;
    }
}
