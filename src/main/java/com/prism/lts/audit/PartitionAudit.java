package com.prism.lts.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;

/**
 * The verdict on one topic partition: every offset from the first archived one (or the log start, if earlier) up to
 * the archiver's committed offset is archived, dead-lettered, skipped by Kafka (checked against its log), missing, or
 * could not be checked (below the log start, and in no file that was ever archived).
 */
final class PartitionAudit {

    final TopicPartition partition;
    final OffsetSet archived = new OffsetSet();
    final OffsetSet twice = new OffsetSet();
    /** Offsets of files an earlier audit saw that are gone now. */
    final OffsetSet onceArchived = new OffsetSet();
    OffsetSet deadLettered = new OffsetSet();
    Optional<KafkaLog.Partition> kafka = Optional.empty();

    long from;
    long to;
    long archivedCount;
    long deadLetteredCount;
    long ahead;
    final List<long[]> missing = new ArrayList<>();
    final List<long[]> skippedByKafka = new ArrayList<>();
    final List<long[]> unchecked = new ArrayList<>();

    PartitionAudit(TopicPartition partition) {
        this.partition = partition;
    }

    /** Adds a file's offsets; offsets another file holds already are counted twice. */
    void archived(long[] offsets) {
        for (long offset : offsets) {
            if (!archived.add(offset)) {
                twice.add(offset);
            }
        }
    }

    void gone(long[] offsets) {
        for (long offset : offsets) {
            onceArchived.add(offset);
        }
    }

    /** Classifies every offset of the range, reading Kafka's log for the gaps it still holds. */
    void judge(KafkaLog log) {
        long logStart = kafka.map(KafkaLog.Partition::logStart).orElse(Long.MAX_VALUE);
        from = min(min(archived.first(), onceArchived.first()), deadLettered.first());
        if (kafka.isPresent() && kafka.get().logStart() < kafka.get().logEnd()) {
            from = from < 0 ? logStart : Math.min(from, logStart);
        }
        long committed = kafka.map(KafkaLog.Partition::committed).orElse(-1L);
        to = committed >= 0 ? committed : lastArchived() + 1;
        if (from < 0 || to <= from) {
            from = Math.max(from, 0);
            to = Math.max(to, from);
        }
        List<long[]> gaps = new ArrayList<>();
        long gapStart = -1;
        for (long offset = from; offset < to; offset++) {
            boolean accounted = archived.contains(offset) || deadLettered.contains(offset);
            if (archived.contains(offset)) {
                archivedCount++;
            } else if (deadLettered.contains(offset)) {
                deadLetteredCount++;
            }
            if (!accounted && gapStart < 0) {
                gapStart = offset;
            } else if (accounted && gapStart >= 0) {
                gaps.add(new long[] {gapStart, offset - 1});
                gapStart = -1;
            }
        }
        if (gapStart >= 0) {
            gaps.add(new long[] {gapStart, to - 1});
        }
        for (long[] gap : gaps) {
            if (gap[0] < logStart) {
                long belowStart = Math.min(gap[1], logStart - 1);
                for (long[] lost : onceArchived.ranges(gap[0], belowStart + 1)) {
                    missing.add(lost);
                }
                OffsetSet never = complement(onceArchived, gap[0], belowStart);
                unchecked.addAll(never.ranges(gap[0], belowStart + 1));
            }
            if (gap[1] >= logStart && log != null) {
                long first = Math.max(gap[0], logStart);
                OffsetSet held = log.held(partition, first, gap[1]);
                missing.addAll(held.ranges(first, gap[1] + 1));
                skippedByKafka.addAll(complement(held, first, gap[1]).ranges(first, gap[1] + 1));
            }
        }
        for (long offset = to; offset <= lastArchived(); offset++) {
            if (archived.contains(offset)) {
                ahead++;
            }
        }
    }

    private long lastArchived() {
        return Math.max(archived.last(), onceArchived.last());
    }

    private static OffsetSet complement(OffsetSet set, long first, long last) {
        OffsetSet rest = new OffsetSet();
        for (long offset = first; offset <= last; offset++) {
            if (!set.contains(offset)) {
                rest.add(offset);
            }
        }
        return rest;
    }

    private static long min(long a, long b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    static long count(List<long[]> ranges) {
        return ranges.stream().mapToLong(r -> r[1] - r[0] + 1).sum();
    }

    /** Nothing missing and nothing that could not be checked. */
    boolean complete() {
        return missing.isEmpty() && unchecked.isEmpty();
    }
}
