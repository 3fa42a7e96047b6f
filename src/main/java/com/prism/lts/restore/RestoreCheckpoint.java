package com.prism.lts.restore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import com.prism.lts.ToolFailure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * How far a restore job got, so that running it again after an interruption (Ctrl-C, {@code kill -9}) produces no
 * record twice.
 * <p>
 * The producer is idempotent, so the records of one source partition reach their target partition in order, without
 * gaps or duplicates, and what is in the target partition tells where to go on. The job keeps a checkpoint in Kafka
 * itself, as the committed offsets of its own consumer group ({@code prism-restore-<job>}, never joined) on the target
 * partitions: the offset up to which the target is accounted for, and as metadata the last source offset restored of
 * each source partition sent there. On start, the records a target partition holds past its checkpoint (acknowledged
 * since, or written by a run killed before it heard back) are read, and those of this job move the source offsets on.
 * The checkpoint is written before the first record is produced, so a killed run leaves nothing unaccounted for.
 */
final class RestoreCheckpoint {

    /** Below the broker's default offset.metadata.max.bytes (4096); a longer state is found by reading instead. */
    private static final int MAX_METADATA = 4000;

    private final Admin admin;
    private final String group;
    private final String job;
    private final Map<TopicPartition, TopicPartition> targetOf;
    private final Map<TopicPartition, Long> restored = new HashMap<>();
    private final Map<TopicPartition, Long> accountedUpTo = new HashMap<>();
    private final Set<TopicPartition> changed = new HashSet<>();

    private RestoreCheckpoint(Admin admin, String job, Map<TopicPartition, TopicPartition> targetOf) {
        this.admin = admin;
        this.group = "prism-restore-" + job;
        this.job = job;
        this.targetOf = targetOf;
    }

    /**
     * The checkpoint of {@code job}, brought up to date with what its target partitions hold.
     *
     * @param targetOf the target partition of each source partition
     */
    static RestoreCheckpoint load(Admin admin, Consumer<byte[], byte[]> reader, String job,
            Map<TopicPartition, TopicPartition> targetOf) throws InterruptedException {
        RestoreCheckpoint checkpoint = new RestoreCheckpoint(admin, job, targetOf);
        Set<TopicPartition> targets = new HashSet<>(targetOf.values());
        Map<TopicPartition, OffsetAndMetadata> committed = await(admin.listConsumerGroupOffsets(checkpoint.group)
                .partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> ends = reader.endOffsets(targets);
        for (TopicPartition target : targets) {
            OffsetAndMetadata saved = committed.get(target);
            if (saved == null) {
                checkpoint.accountedUpTo.put(target, ends.get(target));
                checkpoint.changed.add(target);
            } else {
                checkpoint.accountedUpTo.put(target, saved.offset());
                checkpoint.decode(saved.metadata());
            }
        }
        checkpoint.readPast(reader, ends);
        checkpoint.save();
        return checkpoint;
    }

    String group() {
        return group;
    }

    /** The last offset of {@code source} that this job has produced, -1 if none. */
    synchronized long restoredUpTo(TopicPartition source) {
        return restored.getOrDefault(source, -1L);
    }

    /** Kafka acknowledged the record of {@code source} at {@code sourceOffset}, stored at {@code targetOffset}. */
    synchronized void acknowledged(TopicPartition source, long sourceOffset, long targetOffset) {
        restored.merge(source, sourceOffset, Math::max);
        TopicPartition target = targetOf.get(source);
        accountedUpTo.merge(target, targetOffset + 1, Math::max);
        changed.add(target);
    }

    /** Writes what changed since the last save. */
    void save() throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        synchronized (this) {
            for (TopicPartition target : changed) {
                String metadata = encode(target);
                if (metadata.length() <= MAX_METADATA) {
                    offsets.put(target, new OffsetAndMetadata(accountedUpTo.get(target), metadata));
                }
            }
            changed.clear();
        }
        if (!offsets.isEmpty()) {
            await(admin.alterConsumerGroupOffsets(group, offsets).all());
        }
    }

    /** The records of this job that the targets hold past their checkpoints move the source offsets on. */
    private void readPast(Consumer<byte[], byte[]> reader, Map<TopicPartition, Long> ends) {
        List<TopicPartition> behind = accountedUpTo.keySet().stream()
                .filter(target -> accountedUpTo.get(target) < ends.get(target)).toList();
        if (behind.isEmpty()) {
            return;
        }
        reader.assign(behind);
        behind.forEach(target -> reader.seek(target, accountedUpTo.get(target)));
        while (behind.stream().anyMatch(target -> reader.position(target) < ends.get(target))) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                Headers headers = record.headers();
                if (job.equals(text(headers.lastHeader(RestoreHeaders.JOB)))) {
                    TopicPartition source = new TopicPartition(text(headers.lastHeader(RestoreHeaders.SOURCE_TOPIC)),
                            Integer.parseInt(text(headers.lastHeader(RestoreHeaders.SOURCE_PARTITION))));
                    restored.merge(source, Long.parseLong(text(headers.lastHeader(RestoreHeaders.SOURCE_OFFSET))), Math::max);
                }
            }
        }
        behind.forEach(target -> accountedUpTo.put(target, ends.get(target)));
        changed.addAll(behind);
    }

    /** {@code topic/partition=offset;...} for the sources restored into {@code target}; topics hold none of "/;=". */
    private String encode(TopicPartition target) {
        StringBuilder text = new StringBuilder();
        restored.forEach((source, offset) -> {
            if (target.equals(targetOf.get(source))) {
                text.append(source.topic()).append('/').append(source.partition()).append('=').append(offset)
                        .append(';');
            }
        });
        return text.toString();
    }

    private void decode(String metadata) {
        for (String entry : metadata == null ? new String[0] : metadata.split(";")) {
            int slash = entry.lastIndexOf('/');
            int equals = entry.lastIndexOf('=');
            if (slash > 0 && equals > slash) {
                restored.merge(new TopicPartition(entry.substring(0, slash),
                        Integer.parseInt(entry.substring(slash + 1, equals))),
                        Long.parseLong(entry.substring(equals + 1)), Math::max);
            }
        }
    }

    static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static <T> T await(KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new ToolFailure("Kafka refused the restore's checkpoint: " + e.getCause().getMessage());
        }
    }
}
