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
 * How far a restore job got, so that running it again (after Ctrl-C, {@code kill -9}, a record Kafka refused, or with
 * files the archiver wrote since) produces every archived record, and none twice.
 * <p>
 * The job keeps a checkpoint in Kafka itself, as the committed offsets of its own consumer group
 * ({@code prism-restore-<job>}, never joined) on the target partitions: the offset up to which the job's records in
 * the target are accounted for, and as metadata the first target offset the job ever wrote and, for each source
 * partition restored there, its {@link SourceProgress}. On start, the job's records a target holds past its
 * checkpoint (acknowledged since, or written by a run killed before it heard back) are read and skipped; when a
 * source partition's files below its checkpoint changed, the target is read from the job's first offset instead. The
 * offset saved for a target never passes a record of the job that the metadata does not account for, so that the
 * next start reads it again. The checkpoint is written before the first record is produced.
 */
final class RestoreCheckpoint {

    /** Below the broker's default offset.metadata.max.bytes (4096); a longer state is found by reading instead. */
    private static final int MAX_METADATA = 4000;
    /** Metadata of this version of the checkpoint starts so; an earlier one's is read as nothing to trust. */
    private static final String VERSION = "2;";

    private final Admin admin;
    private final String group;
    private final String job;
    private final Map<TopicPartition, TopicPartition> targetOf;
    private final Map<TopicPartition, SourceProgress> sources;
    private final Map<TopicPartition, Target> targets = new HashMap<>();

    /** What the checkpoint knows of a target partition. */
    private static final class Target {
        /** The target's end when the job first wrote its checkpoint: every record of the job is at or above it. */
        long first;
        /** Where the records of the job were read from at the start. */
        long readFrom;
        /** Every record of the job below it is known: read at the start, or acknowledged since. */
        long known;
    }

    private RestoreCheckpoint(Admin admin, String job, Map<TopicPartition, TopicPartition> targetOf,
            Map<TopicPartition, SourceProgress> sources) {
        this.admin = admin;
        this.group = "prism-restore-" + job;
        this.job = job;
        this.targetOf = targetOf;
        this.sources = sources;
    }

    /**
     * The checkpoint of {@code job}, brought up to date with what its target partitions hold.
     *
     * @param targetOf the target partition of each source partition
     * @param sources  the progress of each source partition, from its files as listed now
     */
    static RestoreCheckpoint load(Admin admin, Consumer<byte[], byte[]> reader, String job,
            Map<TopicPartition, TopicPartition> targetOf, Map<TopicPartition, SourceProgress> sources)
            throws InterruptedException {
        RestoreCheckpoint checkpoint = new RestoreCheckpoint(admin, job, targetOf, sources);
        Set<TopicPartition> targets = new HashSet<>(targetOf.values());
        Map<TopicPartition, OffsetAndMetadata> committed = await(admin.listConsumerGroupOffsets(checkpoint.group)
                .partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> starts = reader.beginningOffsets(targets);
        Map<TopicPartition, Long> ends = reader.endOffsets(targets);
        for (TopicPartition partition : targets) {
            Target target = new Target();
            OffsetAndMetadata saved = committed.get(partition);
            if (saved == null) {
                target.first = ends.get(partition);
                target.readFrom = target.first;
            } else if (saved.metadata() == null || !saved.metadata().startsWith(VERSION)
                    || !checkpoint.decode(partition, target, saved)) {
                // what the job wrote since its first record tells what it produced
                target.readFrom = target.first;
            } else {
                target.readFrom = saved.offset();
            }
            // what retention deleted from the target cannot be read back
            target.readFrom = Math.max(target.readFrom, starts.get(partition));
            target.known = ends.get(partition);
            checkpoint.targets.put(partition, target);
        }
        checkpoint.readPast(reader, ends);
        checkpoint.save();
        return checkpoint;
    }

    String group() {
        return group;
    }

    SourceProgress source(TopicPartition source) {
        return sources.get(source);
    }

    /** Kafka acknowledged the record of {@code source} at {@code sourceOffset}, stored at {@code targetOffset}. */
    void acknowledged(TopicPartition source, long sourceOffset, long targetOffset) {
        sources.get(source).acknowledged(sourceOffset, targetOffset);
        Target target = targets.get(targetOf.get(source));
        synchronized (target) {
            target.known = Math.max(target.known, targetOffset + 1);
        }
    }

    /** Writes where each target stands. */
    void save() throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        targets.forEach((partition, target) -> {
            long upTo;
            // before the sources: a record acknowledged after this is not counted as known
            synchronized (target) {
                upTo = target.known;
            }
            StringBuilder metadata = new StringBuilder(VERSION).append(target.first).append(';');
            for (Map.Entry<TopicPartition, TopicPartition> entry : targetOf.entrySet()) {
                if (entry.getValue().equals(partition)) {
                    SourceProgress.Snapshot source = sources.get(entry.getKey()).snapshot();
                    metadata.append(entry.getKey().topic()).append('/').append(entry.getKey().partition())
                            .append('=').append(source.encoded()).append(';');
                    if (source.holdsFound()) {
                        upTo = Math.min(upTo, target.readFrom);
                    }
                    upTo = Math.min(upTo, source.firstAhead().orElse(Long.MAX_VALUE));
                }
            }
            if (metadata.length() <= MAX_METADATA) {
                offsets.put(partition, new OffsetAndMetadata(upTo, metadata.toString()));
            }
        });
        if (!offsets.isEmpty()) {
            await(admin.alterConsumerGroupOffsets(group, offsets).all());
        }
    }

    /**
     * Takes up the metadata of a target: {@code 2;<first>;<topic>/<partition>=<progress>;...}; topics hold none of
     * "/;=". Returns false when a source's files changed below its checkpoint.
     */
    private boolean decode(TopicPartition partition, Target target, OffsetAndMetadata saved) {
        String[] entries = saved.metadata().substring(VERSION.length()).split(";");
        try {
            target.first = Long.parseLong(entries[0]);
        } catch (NumberFormatException e) {
            return false;
        }
        boolean trusted = true;
        for (int i = 1; i < entries.length; i++) {
            int slash = entries[i].lastIndexOf('/');
            int equals = entries[i].indexOf('=', slash);
            if (slash > 0 && equals > slash) {
                TopicPartition source = new TopicPartition(entries[i].substring(0, slash),
                        Integer.parseInt(entries[i].substring(slash + 1, equals)));
                if (partition.equals(targetOf.get(source))) {
                    trusted &= sources.get(source).load(entries[i].substring(equals + 1));
                }
            }
        }
        return trusted;
    }

    /** The records of this job that the targets hold past where they were read from are skipped. */
    private void readPast(Consumer<byte[], byte[]> reader, Map<TopicPartition, Long> ends) {
        List<TopicPartition> behind = targets.keySet().stream()
                .filter(target -> targets.get(target).readFrom < ends.get(target)).toList();
        if (behind.isEmpty()) {
            return;
        }
        reader.assign(behind);
        behind.forEach(target -> reader.seek(target, targets.get(target).readFrom));
        while (behind.stream().anyMatch(target -> reader.position(target) < ends.get(target))) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                Headers headers = record.headers();
                if (job.equals(text(headers.lastHeader(RestoreHeaders.JOB)))) {
                    SourceProgress source = sources.get(new TopicPartition(text(headers.lastHeader(
                            RestoreHeaders.SOURCE_TOPIC)), Integer.parseInt(text(headers.lastHeader(
                                    RestoreHeaders.SOURCE_PARTITION)))));
                    if (source != null) {
                        String topicId = text(headers.lastHeader(RestoreHeaders.SOURCE_TOPIC_ID));
                        source.found(topicId == null ? "" : topicId, Long.parseLong(text(headers.lastHeader(
                                RestoreHeaders.SOURCE_OFFSET))));
                    }
                }
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
