package com.prism.lts.commit;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import com.prism.lts.config.Backoff;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Gives camel-kafka {@link ArchivingConsumer}s, and holds what they share: where commit states go, the batches their
 * records are gathered in, and who is told about partitions coming and going.
 */
public final class ArchivingConsumerFactory extends DefaultKafkaClientFactory {

    private final CommitMetadata metadata;
    private final OpenBatches batches;
    private final ConsumerWatch watch;
    private final ToIntFunction<String> settingsHash;
    private final UnaryOperator<Pattern> subscription;
    private final int maxWaitingUploads;
    private final long commitIntervalNanos;
    private final Backoff retry;
    private final AtomicInteger epochs = new AtomicInteger();
    private final Set<ArchivingConsumer> live = ConcurrentHashMap.newKeySet();
    /** The member id given to each consumer's properties (by identity: camel-kafka makes one set per consumer). */
    private final Map<Properties, String> instanceIds = new IdentityHashMap<>();

    /**
     * @param settingsHash what decides how the records of a topic are filed
     *                     ({@code ArchiveSettings#decisionHash(String)}): a committed state from a replica with
     *                     another one is not followed
     * @param subscription the topics a pattern subscribes to, given the pattern of the route's endpoint
     *                     ({@code ArchiveSettings#subscription}: never a dead-letter topic)
     * @param retry        how long a partition whose route failed waits before it is read again
     */
    public ArchivingConsumerFactory(CommitMetadata metadata, OpenBatches batches, ConsumerWatch watch,
            ToIntFunction<String> settingsHash, UnaryOperator<Pattern> subscription, int maxWaitingUploads,
            long commitIntervalMs, Backoff retry) {
        this.metadata = metadata;
        this.batches = batches;
        this.watch = watch;
        this.settingsHash = settingsHash;
        this.subscription = subscription;
        this.maxWaitingUploads = maxWaitingUploads;
        this.commitIntervalNanos = commitIntervalMs * 1_000_000;
        this.retry = retry;
    }

    @Override
    public Consumer getConsumer(Properties properties) {
        staticMember(properties);
        ArchivingConsumer consumer = new ArchivingConsumer(new KafkaConsumer<>(properties), this,
                new TopicIds(properties));
        live.add(consumer);
        return consumer;
    }

    /**
     * Static members of a group need an id of their own: with {@code prism.kafka.consumers} above 1 the replica's
     * id (its pod's name) gets {@code -1}, {@code -2}, ... for the second consumer on. camel-kafka gives each consumer
     * its own properties and passes them again when it reconnects, so an id already given is kept.
     */
    private void staticMember(Properties properties) {
        String id = properties.getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        if (id == null) {
            return;
        }
        synchronized (instanceIds) {
            String given = instanceIds.get(properties);
            if (given == null) {
                given = id;
                for (int n = 1; instanceIds.containsValue(given); n++) {
                    given = id + "-" + n;
                }
                instanceIds.put(properties, given);
            }
            properties.setProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, given);
        }
    }

    /** Whether there are consumers and every one of them has joined its group. */
    public boolean joined() {
        return !live.isEmpty() && live.stream().allMatch(ArchivingConsumer::joined);
    }

    /** The ledgers of every partition the consumers of this replica own. */
    public List<PartitionLedger> ledgers() {
        return live.stream().flatMap(consumer -> consumer.ledgers().stream()).toList();
    }

    void closed(ArchivingConsumer consumer) {
        live.remove(consumer);
    }

    CommitMetadata metadata() {
        return metadata;
    }

    OpenBatches batches() {
        return batches;
    }

    ConsumerWatch watch() {
        return watch;
    }

    ToIntFunction<String> settingsHash() {
        return settingsHash;
    }

    Pattern subscription(Pattern pattern) {
        return subscription.apply(pattern);
    }

    int maxWaitingUploads() {
        return maxWaitingUploads;
    }

    long commitIntervalNanos() {
        return commitIntervalNanos;
    }

    Backoff retry() {
        return retry;
    }

    int nextEpoch() {
        return epochs.incrementAndGet();
    }
}
