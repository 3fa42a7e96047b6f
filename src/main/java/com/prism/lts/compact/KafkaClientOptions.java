package com.prism.lts.compact;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The archiver's Kafka client security options ({@code camel.component.kafka.*}), for the compactor's admin client,
 * which reads the group's committed offsets from the same cluster: a cluster that wants TLS or SASL from the
 * archiver wants it from the compactor too.
 */
final class KafkaClientOptions {

    private static final Map<String, String> CAMEL_TO_KAFKA = Map.ofEntries(
            Map.entry("security-protocol", "security.protocol"),
            Map.entry("sasl-mechanism", "sasl.mechanism"),
            Map.entry("sasl-jaas-config", "sasl.jaas.config"),
            Map.entry("sasl-client-callback-handler-class", "sasl.client.callback.handler.class"),
            Map.entry("ssl-endpoint-algorithm", "ssl.endpoint.identification.algorithm"),
            Map.entry("ssl-truststore-location", "ssl.truststore.location"),
            Map.entry("ssl-truststore-password", "ssl.truststore.password"),
            Map.entry("ssl-truststore-type", "ssl.truststore.type"),
            Map.entry("ssl-keystore-location", "ssl.keystore.location"),
            Map.entry("ssl-keystore-password", "ssl.keystore.password"),
            Map.entry("ssl-keystore-type", "ssl.keystore.type"),
            Map.entry("ssl-key-password", "ssl.key.password"));

    private KafkaClientOptions() {
    }

    /** The Kafka client options of the settings {@code lookup} answers. */
    static Map<String, Object> from(Function<String, Optional<String>> lookup) {
        Map<String, Object> options = new HashMap<>();
        CAMEL_TO_KAFKA.forEach((camel, kafka) -> lookup.apply("camel.component.kafka." + camel)
                .ifPresent(value -> options.put(kafka, value)));
        return options;
    }
}
