package com.prism.lts.commit;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids of the topics the consumers read: a topic deleted and created again under the same name gets another one.
 * Kafka's consumer does not tell its records' topic id, and a topic created again with as many partitions causes no
 * rebalance (the coordinator compares partition counts), so the consumers ask the cluster, as its admin client does:
 * when they take a partition, and about once a second while they read it.
 */
final class TopicIds implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicIds.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final Properties consumerProperties;
    private Admin admin;
    private Long warned;

    /** @param consumerProperties the consumers' client properties: the admin client connects as they do */
    TopicIds(Properties consumerProperties) {
        this.consumerProperties = consumerProperties;
    }

    /** The ids of {@code topics}; a topic whose id the cluster does not tell (now) is left out. */
    synchronized Map<String, Uuid> of(Collection<String> topics) {
        Map<String, Uuid> ids = new HashMap<>();
        if (topics.isEmpty()) {
            return ids;
        }
        try {
            Map<String, TopicDescription> described = admin().describeTopics(topics).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            described.forEach((topic, description) -> ids.put(topic, description.topicId()));
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            long now = System.nanoTime();
            if (warned == null || now - warned >= WARN_EVERY.toNanos()) {
                warned = now;
                LOG.warn("Could not read the ids of topics {} ({}): files of partitions taken meanwhile wait for them,"
                        + " and a topic deleted and created again is not noticed until they can be read", topics,
                        e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ids;
    }

    private Admin admin() {
        if (admin == null) {
            Properties options = new Properties();
            consumerProperties.stringPropertyNames().stream().filter(AdminClientConfig.configNames()::contains)
                    .forEach(name -> options.put(name, consumerProperties.get(name)));
            options.put(AdminClientConfig.CLIENT_ID_CONFIG, "prism-lts-topic-ids");
            admin = Admin.create(options);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
