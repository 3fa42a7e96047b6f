package com.prism.lts.app;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

import com.prism.lts.config.EnvironmentVariables;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.config.TopicSettings;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver as a camel-main application: the routes in {@code routes/}, the beans of {@link ArchiveBeans}, and
 * settings from {@code application.properties}, {@code config/application.properties}, system properties and
 * environment variables, in increasing order of precedence, the same for {@code prism.*} and {@code camel.*}.
 * <p>
 * Camel's own reading of environment variables and system properties is turned off: it would rank system properties
 * above environment variables for {@code camel.*} only, and its environment rule misses options (see
 * {@link EnvironmentVariables}). Both come from one {@link OverridingSettings} source instead, ranked above the files.
 */
public final class ArchiveApplication {

    /** Camel takes a property from the first location that has it, so the overriding file comes first. */
    public static final String PROPERTY_LOCATIONS =
            "file:config/application.properties;optional=true,classpath:application.properties;optional=true";

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveApplication.class);

    private ArchiveApplication() {
    }

    /** A camel-main application; {@code overrides} win over every other source of settings. */
    public static Main create(Map<String, String> overrides) {
        return create(overrides, System.getenv());
    }

    /** As {@link #create(Map)}, with {@code environment} in place of this process's environment variables. */
    public static Main create(Map<String, String> overrides, Map<String, String> environment) {
        EnvironmentVariables.Translation fromEnvironment = EnvironmentVariables.settings(environment,
                knownSettings(overrides, environment));
        fromEnvironment.ignored().forEach(variable -> LOG.warn("Environment variable {} names no setting of Prism LTS"
                + " or Camel; it is ignored (docs/configuration.md)", variable));
        fromEnvironment.ambiguous().forEach((variable, settings) -> LOG.warn("Environment variable {} could be any of"
                + " {} (topics whose names differ only in '.', '-' and '_'); it is ignored: set the one meant in"
                + " config/application.properties", variable, String.join(", ", settings)));
        OverridingSettings overriding = new OverridingSettings(System.getProperties(), fromEnvironment.settings());

        Main main = new Main();
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        configure(main.configure());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeInitialize(BaseMainSupport application) {
                PropertiesComponent properties = (PropertiesComponent) application.getCamelContext()
                        .getPropertiesComponent();
                properties.addPropertiesSource(overriding);
                // placeholders no setting file defines (a route's own) may still come from the environment
                properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_FALLBACK);
                properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_FALLBACK);
            }
        });
        if (!overrides.isEmpty()) {
            Properties properties = new Properties();
            properties.putAll(overrides);
            main.setOverrideProperties(properties);
        }
        return main;
    }

    /**
     * The settings environment variables may name: those of {@code application.properties}, and the settings of each
     * topic {@code prism.topics} lists, wherever it is set (a pattern names no topic before it runs).
     */
    private static Set<String> knownSettings(Map<String, String> overrides, Map<String, String> environment) {
        Set<String> known = new HashSet<>(SettingDefaults.builtIn().stringPropertyNames());
        SettingDefaults settings = new SettingDefaults(environment);
        Function<String, Optional<String>> value = name -> Optional.ofNullable(overrides.get(name))
                .or(() -> settings.value(name));
        if (!value.apply("prism.topics.is-pattern").map(Boolean::parseBoolean).orElse(false)) {
            value.apply("prism.topics").ifPresent(topics -> Arrays.stream(topics.split(",")).map(String::trim)
                    .forEach(topic -> known.addAll(TopicSettings.names(topic))));
        }
        return known;
    }

    /**
     * What camel-main needs to run the archiver, wherever it is started: the beans of {@link ArchiveBeans}, and Camel's
     * own reading of environment variables and system properties off.
     */
    public static void configure(MainConfigurationProperties configuration) {
        configuration.setAutoConfigurationEnvironmentVariablesEnabled(false);
        configuration.setAutoConfigurationSystemPropertiesEnabled(false);
        configuration.addConfiguration(ArchiveBeans.class);
    }
}
