package com.prism.lts.commit;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
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
    Map<String, Uuid> of(Collection<String> topics) {
        try {
            return asked(topics).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /**
     * The ids of {@code topics}, asked for now and told when the cluster answers, so that the consumer reads on
     * meanwhile; a topic whose id the cluster does not tell is left out, and a failure is told as no ids.
     */
    synchronized CompletableFuture<Map<String, Uuid>> asked(Collection<String> topics) {
        if (topics.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        CompletableFuture<Map<String, Uuid>> ids = new CompletableFuture<>();
        admin().describeTopics(topics, new DescribeTopicsOptions().timeoutMs((int) TIMEOUT.toMillis()))
                .allTopicNames().whenComplete((described, failure) -> {
                    if (failure != null) {
                        warn(topics, failure);
                        ids.complete(Map.of());
                        return;
                    }
                    Map<String, Uuid> told = new HashMap<>();
                    described.forEach((topic, description) -> told.put(topic, description.topicId()));
                    ids.complete(told);
                });
        return ids;
    }

    private synchronized void warn(Collection<String> topics, Throwable failure) {
        long now = System.nanoTime();
        if (warned == null || now - warned >= WARN_EVERY.toNanos()) {
            warned = now;
            LOG.warn("Could not read the ids of topics {} ({}): files of partitions taken meanwhile wait for them,"
                    + " and a topic deleted and created again is not noticed until they can be read", topics,
                    failure.getMessage());
        }
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
