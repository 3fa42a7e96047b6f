package com.prism.lts.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

import com.prism.lts.config.ArchiveSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The settings of the plain-Java baselines, read the way Prism LTS reads its own ({@code application.properties},
 * overridden by {@code -D} system properties), so that the benchmark hands every contestant the same {@code -D}
 * settings and each does the job with the same flush size, codec, upload concurrency and Kafka options.
 */
final class BaselineSettings {

    private static final String KAFKA_OPTION = "camel.component.kafka.";

    private BaselineSettings() {
    }

    static ArchiveSettings read() {
        Properties defaults = new Properties();
        try (InputStream in = BaselineSettings.class.getResourceAsStream("/application.properties")) {
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ArchiveSettings.from(name -> Optional.ofNullable(System.getProperty(name,
                defaults.getProperty(name))));
    }

    /**
     * A consumer like the one camel-kafka makes for the archive route: its group, from the earliest offset, no
     * auto-commit, the same records per poll, and every {@code camel.component.kafka.*} option that is also a Kafka
     * consumer setting ({@code fetch-min-bytes} becomes {@code fetch.min.bytes}).
     */
    static Properties consumer(ArchiveSettings settings) {
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(KAFKA_OPTION))
                .forEach(name -> {
                    String kafkaName = name.substring(KAFKA_OPTION.length()).replace('-', '.');
                    if (ConsumerConfig.configNames().contains(kafkaName)) {
                        consumer.put(kafkaName, System.getProperty(name));
                    }
                });
        return consumer;
    }
}
