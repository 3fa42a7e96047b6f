package com.prism.lts.day;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@link MetricDate} of each topic's records: topics may name their own field and zone
 * ({@code prism.topic.<topic>.metric-date.*}), and a topic that a pattern brings in while the archiver runs takes the
 * global ones.
 */
public final class MetricDates {

    private final Function<String, MetricDate> ofTopic;
    private final Map<String, MetricDate> known = new ConcurrentHashMap<>();

    public MetricDates(Function<String, MetricDate> ofTopic) {
        this.ofTopic = ofTopic;
    }

    /** Every topic's records dated alike. */
    public static MetricDates same(MetricDate metricDate) {
        return new MetricDates(topic -> metricDate);
    }

    public MetricDate of(String topic) {
        MetricDate metricDate = known.get(topic);
        return metricDate != null ? metricDate : known.computeIfAbsent(topic, ofTopic);
    }
}
