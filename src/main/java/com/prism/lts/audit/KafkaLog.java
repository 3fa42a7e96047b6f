package com.prism.lts.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import com.prism.lts.ToolFailure;
import com.prism.lts.commit.CommitMetadata;
import com.prism.lts.commit.CommitState;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.restore.RestoreHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What Kafka says about an archived topic: its id, where each partition's log starts and ends, where the archiver's
 * group committed, which records went to the dead-letter topic, and what its log holds at the offsets of a gap. The
 * log is read as the archiver reads it ({@code read_uncommitted}: records of aborted transactions are archived too),
 * so an offset the log skips (a transaction marker, a record compacted away) is one the archiver never saw.
 * <p>
 * The reader never resets its position by itself ({@code auto.offset.reset=none}): when retention moves the log start
 * past the offsets it is reading, Kafka says so, and those offsets are not taken for offsets the log skipped.
 */
final class KafkaLog implements AutoCloseable {

    /**
     * One partition as Kafka has it now. {@code committed} is the group's committed offset, -1 when it committed
     * nothing for this topic: nothing at all, or an offset whose state names an earlier topic of the same name,
     * {@code earlierTopicId} (null otherwise), committed at {@code earlierCommitted} by an archiver that had not yet
     * seen the topic deleted and created again.
     */
    record Partition(long logStart, long logEnd, long committed, String earlierTopicId, long earlierCommitted) {
    }

    /** The topic as Kafka has it now: its id ({@code Uuid.toString()}) and its partitions by number. */
    record Topic(String id, Map<Integer, Partition> partitions) {
    }

    /** What the log holds at the offsets of a gap that were read. */
    static final class Read {
        /** Offsets the log holds a record at. */
        final OffsetSet held = new OffsetSet();
        /** Of those, the copies {@code restore} produced of this partition's own records: offset -> source offset. */
        final Map<Long, Long> restoredCopies = new HashMap<>();
        /** Offsets the log start passed while they were being read: the log can no longer say. */
        final OffsetSet passedByLogStart = new OffsetSet();
        /** Offsets at or above the log's end: the log never held them. */
        final OffsetSet beyondEnd = new OffsetSet();
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final CommitMetadata.ObjectReader states;

    /** @param states reads the commit states too large for the commit metadata, which the archiver keeps in S3 */
    KafkaLog(Admin admin, KafkaConsumer<byte[], byte[]> reader, CommitMetadata.ObjectReader states) {
        this.admin = admin;
        this.reader = reader;
        this.states = states;
    }

    /** The settings of the reader: as the archiver reads, never moving its position by itself. */
    static Map<String, Object> readerSettings() {
        // a fetch waiting at the log's end for new records holds up the next read elsewhere: not for long
        return Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    }

    /** {@code topic} as Kafka has it, with the offsets {@code group} committed; empty when Kafka has no such topic. */
    Optional<Topic> topic(String topic, String group) {
        try {
            TopicDescription description = await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < description.partitions().size(); p++) {
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
                Uuid earlier = c == null ? null : otherTopicId(c, description.topicId());
                partitions.put(tp.partition(), new Partition(starts.get(tp).offset(), ends.get(tp).offset(),
                        c == null || earlier != null ? -1 : c.offset(), earlier == null ? null : earlier.toString(),
                        earlier == null ? -1 : c.offset()));
            }
            return Optional.of(new Topic(description.topicId().toString(), partitions));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new ToolFailure("Kafka refused: " + e.getCause().getMessage());
        }
    }

    /**
     * The id of the topic the state committed with {@code committed} names, if it is not {@code topicId}: the offset
     * was then committed for an earlier topic of the same name. Null for a state of this topic, one that names none
     * (written before states named their topic) or one that cannot be read, whose offset the archiver trusts too.
     */
    private Uuid otherTopicId(OffsetAndMetadata committed, Uuid topicId) {
        try {
            return CommitMetadata.stateOf(committed.metadata(), committed.offset(), states).map(CommitState::topicId)
                    .filter(id -> !id.equals(topicId)).orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure("interrupted while reading a commit state");
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
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = reader.poll(Duration.ofMillis(500));
            } catch (OffsetOutOfRangeException retention) {
                // what retention deleted meanwhile names no offset any more
                reader.seekToBeginning(retention.partitions());
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
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

    /**
     * Reads the log of {@code partition} over {@code [first, last]} into {@code read}. An offset it neither holds, nor
     * passed by its start while being read, nor beyond its end, is one the log skips: read there, and the record is
     * not there.
     */
    void read(TopicPartition partition, long first, long last, Read read) {
        reader.assign(List.of(partition));
        reader.seek(partition, first);
        long end = Math.min(last + 1, reader.endOffsets(List.of(partition)).get(partition));
        for (long offset = end; offset <= last; offset++) {
            read.beyondEnd.add(offset);
        }
        while (reader.position(partition) < end) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = reader.poll(Duration.ofMillis(500));
            } catch (OffsetOutOfRangeException e) {
                long at = e.offsetOutOfRangePartitions().get(partition);
                long start = reader.beginningOffsets(List.of(partition)).get(partition);
                if (start <= at) {
                    // not below the start: the log was cut short at its end (truncated)
                    for (long offset = at; offset < end; offset++) {
                        read.beyondEnd.add(offset);
                    }
                    break;
                }
                for (long offset = at; offset < Math.min(start, end); offset++) {
                    read.passedByLogStart.add(offset);
                }
                reader.seek(partition, Math.min(start, end));
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() < end) {
                    read.held.add(record.offset());
                    restoredCopyOf(record).ifPresent(source -> read.restoredCopies.put(record.offset(), source));
                }
            }
        }
    }

    /** The source offset of a record that {@code restore} produced from an archived record of its own partition. */
    private static Optional<Long> restoredCopyOf(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        String offset = text(headers.lastHeader(RestoreHeaders.SOURCE_OFFSET));
        if (record.topic().equals(text(headers.lastHeader(RestoreHeaders.SOURCE_TOPIC)))
                && Integer.toString(record.partition()).equals(text(headers.lastHeader(
                        RestoreHeaders.SOURCE_PARTITION))) && offset != null && offset.matches("\\d{1,18}")) {
            return Optional.of(Long.parseLong(offset));
        }
        return Optional.empty();
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
