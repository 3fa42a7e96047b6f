package com.prism.lts.config;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * How the records of one topic are filed: the field and zone that give a record its day, and the records a file holds
 * at most. A topic takes them from {@code prism.topic.<topic>.metric-date.field}, {@code .metric-date.zone} and
 * {@code .flush.size} where they are set, from {@code prism.metric-date.*} and {@code prism.flush.size} otherwise.
 */
public record TopicSettings(String metricDateField, ZoneId metricDateZone, int flushSize) {

    static final String PREFIX = "prism.topic.";
    private static final String FIELD = "metric-date.field";
    private static final String ZONE = "metric-date.zone";
    private static final String FLUSH_SIZE = "flush.size";
    static final List<String> SETTINGS = List.of(FIELD, ZONE, FLUSH_SIZE);

    /** The names of the settings of {@code topic}. */
    public static List<String> names(String topic) {
        return SETTINGS.stream().map(setting -> name(topic, setting)).toList();
    }

    /** The topic a per-topic setting {@code name} is about; empty if it ends in no setting of a topic. */
    static Optional<String> topicOf(String name) {
        return SETTINGS.stream().filter(setting -> name.endsWith("." + setting)
                        && name.length() > PREFIX.length() + setting.length() + 1)
                .map(setting -> name.substring(PREFIX.length(), name.length() - setting.length() - 1)).findFirst();
    }

    /** The settings of {@code topic}, each of them {@code defaults}'s where the topic has none of its own. */
    static TopicSettings read(ArchiveSettings.Reader r, String topic, TopicSettings defaults) {
        return new TopicSettings(
                r.optional(name(topic, FIELD)).orElse(defaults.metricDateField),
                r.optional(name(topic, ZONE)).map(zone -> r.zone(name(topic, ZONE), zone))
                        .orElse(defaults.metricDateZone),
                r.optional(name(topic, FLUSH_SIZE)).map(size -> r.positiveInt(name(topic, FLUSH_SIZE), size))
                        .orElse(defaults.flushSize));
    }

    private static String name(String topic, String setting) {
        return PREFIX + topic + "." + setting;
    }
}
