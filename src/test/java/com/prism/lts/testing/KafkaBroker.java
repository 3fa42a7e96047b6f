package com.prism.lts.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real Kafka broker the tests talk to, wherever it runs: in this JVM ({@link EmbeddedKafka}) or in a process of its
 * own (the benchmark's).
 */
public abstract class KafkaBroker implements AutoCloseable {

    /** What a single-node broker needs, or consumer groups silently never join; and quick group joins. */
    public static final Map<String, String> SINGLE_NODE_CONFIG = Map.of(
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "true");

    private final String bootstrapServers;
    private final Map<String, Object> client;
    private final Admin admin;

    protected KafkaBroker(String bootstrapServers) {
        this(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** {@code client}: what the tests' own clients need to connect, bootstrap servers and security. */
    protected KafkaBroker(Map<String, Object> client) {
        this.bootstrapServers = client.get("bootstrap.servers").toString();
        this.client = Map.copyOf(client);
        this.admin = Admin.create(this.client);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    protected Admin admin() {
        return admin;
    }

    /**
     * Creates a topic and returns once the broker names a leader for each of its partitions: a producer that sends
     * before is told NOT_LEADER_OR_FOLLOWER, and on a loaded machine its retries were seen to end in
     * OutOfOrderSequenceException for good.
     */
    public void createTopic(String topic, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + topic, e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get()
                .get(topic).partitions().stream().allMatch(partition -> partition.leader() != null
                        && !partition.leader().isEmpty()));
    }

    /** Deletes a topic and returns once the broker no longer lists it. */
    public void deleteTopic(String topic) {
        try {
            admin.deleteTopics(List.of(topic)).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("could not delete topic " + topic, e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !topics().contains(topic));
    }

    /** The id of {@code topic}, {@code Uuid.toString()}: another one for a topic deleted and created again. */
    public String topicId(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId().toString();
        } catch (Exception e) {
            throw new IllegalStateException("could not describe topic " + topic, e);
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        return producer(Map.of());
    }

    /** A producer with {@code overrides} on top of the tests' usual settings. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(client);
        config.putAll(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        config.putAll(overrides);
        return new KafkaProducer<>(config);
    }

    /** The committed offset of each partition of {@code topic} for {@code group}; partitions without one are absent. */
    public Map<Integer, Long> committed(String group, String topic) {
        Map<Integer, Long> committed = new HashMap<>();
        committedWithMetadata(group, topic).forEach((partition, offset) -> committed.put(partition, offset.offset()));
        return committed;
    }

    /** As {@link #committed}, with the metadata committed with each offset. */
    public Map<Integer, OffsetAndMetadata> committedWithMetadata(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<Integer, OffsetAndMetadata> committed = new HashMap<>();
            offsets.forEach((partition, offset) -> {
                if (partition.topic().equals(topic) && offset != null) {
                    committed.put(partition.partition(), offset);
                }
            });
            return committed;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the offsets of group " + group, e);
        }
    }

    /** The offset after the last record of each partition of {@code topic}. */
    public Map<Integer, Long> endOffsets(String topic) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<Integer, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> end.put(partition.partition(),
                    info.offset()));
            return end;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the end offsets of " + topic, e);
        }
    }

    /** Every record of {@code topic} from its beginning up to its current end; none if there is no such topic. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        if (!topics().contains(topic)) {
            return List.of();
        }
        Properties properties = new Properties();
        properties.putAll(client);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The static member ids of the members of {@code group} that have partitions assigned now. */
    public Set<String> assignedMembers(String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                    .filter(member -> !member.assignment().topicPartitions().isEmpty())
                    .map(member -> member.groupInstanceId().orElse(member.consumerId()))
                    .collect(Collectors.toSet());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Set.of();
            }
            throw new IllegalStateException("could not describe group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Set<String> topics() {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes this side's client; subclasses stop the broker after it. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
