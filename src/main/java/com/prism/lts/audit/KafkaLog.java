package com.prism.lts.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import com.prism.lts.ToolFailure;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.demo.KafkaTarget;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;

/**
 * What Kafka says about an archived topic: where each partition's log starts and ends, where the archiver's group
 * committed, which records went to the dead-letter topic, and which offsets of a gap its log still holds. The log is
 * read as the archiver reads it ({@code read_uncommitted}: records of aborted transactions are archived too), so an
 * offset the log skips (a transaction marker, a record compacted away) is one the archiver never saw.
 */
final class KafkaLog implements AutoCloseable {

    /** One partition as Kafka has it now; {@code committed} is -1 when the group committed nothing. */
    record Partition(long logStart, long logEnd, long committed) {
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;

    KafkaLog(KafkaTarget kafka) {
        this.admin = kafka.admin();
        this.reader = kafka.consumer(Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));
    }

    /** Each partition of {@code topic}; empty when Kafka has no such topic (any more). */
    Optional<Map<Integer, Partition>> partitions(String topic, String group) {
        try {
            int count = await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < count; p++) {
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResultInfo> starts = await(admin.listOffsets(earliest).all());
            Map<TopicPartition, ListOffsetsResultInfo> ends = await(admin.listOffsets(latest).all());
            Map<TopicPartition, OffsetAndMetadata> committed = await(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata());
            Map<Integer, Partition> partitions = new HashMap<>();
            for (TopicPartition tp : earliest.keySet()) {
                OffsetAndMetadata c = committed.get(tp);
                partitions.put(tp.partition(), new Partition(starts.get(tp).offset(), ends.get(tp).offset(),
                        c == null ? -1 : c.offset()));
            }
            return Optional.of(partitions);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new ToolFailure("Kafka refused: " + e.getCause().getMessage());
        }
    }

    /** The offsets of {@code topic} that the dead-letter topic holds, by partition, from its source headers. */
    Map<Integer, OffsetSet> deadLettered(String topic, String deadLetterTopic) {
        Map<Integer, OffsetSet> offsets = new HashMap<>();
        List<TopicPartition> partitions;
        try {
            partitions = reader.partitionsFor(deadLetterTopic, Duration.ofSeconds(15)).stream()
                    .map(info -> new TopicPartition(deadLetterTopic, info.partition())).toList();
        } catch (org.apache.kafka.common.KafkaException e) {
            return offsets;
        }
        if (partitions.isEmpty()) {
            return offsets;
        }
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> reader.position(p) < ends.get(p))) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                if (topic.equals(text(record.headers().lastHeader(DeadLetters.SOURCE_TOPIC)))) {
                    String partition = text(record.headers().lastHeader(DeadLetters.SOURCE_PARTITION));
                    String offset = text(record.headers().lastHeader(DeadLetters.SOURCE_OFFSET));
                    if (partition != null && offset != null) {
                        offsets.computeIfAbsent(Integer.parseInt(partition), p -> new OffsetSet())
                                .add(Long.parseLong(offset));
                    }
                }
            }
        }
        return offsets;
    }

    /** Which offsets of {@code [first, last]} the log of {@code partition} holds. */
    OffsetSet held(TopicPartition partition, long first, long last) {
        OffsetSet held = new OffsetSet();
        reader.assign(List.of(partition));
        reader.seek(partition, first);
        while (reader.position(partition) <= last) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                if (record.offset() <= last) {
                    held.add(record.offset());
                }
            }
        }
        return held;
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static <T> T await(KafkaFuture<T> future) throws ExecutionException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure("interrupted while waiting for Kafka");
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
