package com.prism.lts.app;

import java.util.Properties;
import java.util.function.Predicate;

import org.apache.camel.Ordered;
import org.apache.camel.spi.LoadablePropertiesSource;
import org.apache.camel.util.OrderedLocationProperties;

/**
 * The {@code prism.*} and {@code camel.*} settings given as system properties and environment variables, the latter
 * winning, as one Camel properties source ranked above the properties files. Each value keeps where it came from
 * ({@code SYS} or {@code ENV}), which camel-main's start-up summary prints beside it.
 */
final class OverridingSettings implements LoadablePropertiesSource, Ordered {

    static final String SYSTEM = "SYS";
    static final String ENVIRONMENT = "ENV";

    private final OrderedLocationProperties settings = new OrderedLocationProperties();

    OverridingSettings(Properties systemProperties, Properties fromEnvironment) {
        systemProperties.stringPropertyNames().stream().filter(OverridingSettings::isSetting)
                .forEach(name -> settings.put(SYSTEM, name, systemProperties.getProperty(name)));
        fromEnvironment.stringPropertyNames()
                .forEach(name -> settings.put(ENVIRONMENT, name, fromEnvironment.getProperty(name)));
    }

    private static boolean isSetting(String name) {
        return name.startsWith("prism.") || name.startsWith("camel.");
    }

    @Override
    public String getName() {
        return "environment variables and system properties";
    }

    @Override
    public String getProperty(String name) {
        return settings.getProperty(name);
    }

    @Override
    public Properties loadProperties() {
        return settings;
    }

    @Override
    public Properties loadProperties(Predicate<String> filter) {
        OrderedLocationProperties answer = new OrderedLocationProperties();
        settings.stringPropertyNames().stream().filter(filter)
                .forEach(name -> answer.put(settings.getLocation(name), name, settings.getProperty(name)));
        return answer;
    }

    @Override
    public void reloadProperties(String location) {
        // set once at start-up
    }

    /** Before the properties files, which Camel ranks from 100 on. */
    @Override
    public int getOrder() {
        return 10;
    }
}
