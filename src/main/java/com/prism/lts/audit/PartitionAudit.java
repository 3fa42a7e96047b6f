package com.prism.lts.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;

/**
 * The verdict on one topic partition. Every offset from the first archived one (or the log start, if lower) up to the
 * archiver's committed offset is archived, dead-lettered, skipped by Kafka (read in its log, and not there), a restored
 * copy of a record the archive holds, missing, or not checked, with the reason. Only the files of the topic
 * incarnation audited count (that Kafka has now, and files that name none); those of an earlier topic of the same
 * name are counted apart.
 */
final class PartitionAudit {

    static final String BELOW_LOG_START = "below the log start, in no file an audit has seen (compacted, a transaction"
            + " marker, or lost)";
    static final String LOG_START_MOVED = "Kafka's log start moved past it while the audit read";
    static final String BEYOND_LOG_END = "at or above the end of Kafka's log";
    /** Gaps this close are read in one pass rather than each on its own. */
    private static final long READ_THROUGH = 10_000;

    /** The files of another topic incarnation (an earlier topic of the same name) in this partition. */
    static final class EarlierTopic {
        int files;
        long tableRows;
        final OffsetSet offsets = new OffsetSet();
    }

    final TopicPartition partition;
    final OffsetSet archived = new OffsetSet();
    final OffsetSet twice = new OffsetSet();
    /** Offsets of files an earlier audit saw that are gone now. */
    final OffsetSet onceArchived = new OffsetSet();
    /** Offsets of the files of every incarnation: what a restored copy may be a copy of. */
    final OffsetSet inAnyFile = new OffsetSet();
    final Map<String, EarlierTopic> earlierTopics = new TreeMap<>();
    /** Offsets the compacted table holds, of the incarnation audited. */
    final OffsetSet inTable = new OffsetSet();
    /** Small files the table names: copies of its rows that the compactor has yet to delete. */
    int awaitingDeletion;
    OffsetSet deadLettered = new OffsetSet();
    Optional<KafkaLog.Partition> kafka = Optional.empty();

    long from;
    long to;
    long archivedCount;
    long deadLetteredCount;
    long ahead;
    final OffsetSet missing = new OffsetSet();
    final OffsetSet skippedByKafka = new OffsetSet();
    final OffsetSet restoredCopies = new OffsetSet();
    /** The offsets that could not be checked, by the reason why, in the order found. */
    final Map<String, OffsetSet> notChecked = new LinkedHashMap<>();

    PartitionAudit(TopicPartition partition) {
        this.partition = partition;
    }

    /** Adds a file of the incarnation audited; offsets another file holds already are counted twice. */
    void archived(long[] offsets) {
        for (long offset : offsets) {
            inAnyFile.add(offset);
            if (!archived.add(offset)) {
                twice.add(offset);
            }
        }
    }

    /**
     * Adds the rows of the compacted table (before any file): offsets a file holds too are counted twice, unless the
     * table names that file ({@link #folded}).
     *
     * @param twiceInTable offsets the table holds in two rows
     */
    void inTable(OffsetSet offsets, OffsetSet twiceInTable) {
        offsets.forEach(offset -> {
            inAnyFile.add(offset);
            inTable.add(offset);
            if (!archived.add(offset)) {
                twice.add(offset);
            }
        });
        if (twiceInTable != null) {
            twiceInTable.forEach(twice::add);
        }
    }

    /**
     * Adds a small file the table names: it was folded in, and its offsets the table holds are the same records, not
     * second copies. An offset of it the table does not hold counts as any file's.
     */
    void folded(long[] offsets) {
        awaitingDeletion++;
        for (long offset : offsets) {
            inAnyFile.add(offset);
            if (!inTable.contains(offset) && !archived.add(offset)) {
                twice.add(offset);
            }
        }
    }

    /** Adds rows of the table from small files of the topic incarnation {@code topicId}, not the one audited. */
    void inTableOfEarlierTopic(String topicId, OffsetSet offsets) {
        EarlierTopic earlier = earlierTopics.computeIfAbsent(topicId, id -> new EarlierTopic());
        earlier.tableRows += offsets.size();
        offsets.forEach(offset -> {
            inAnyFile.add(offset);
            earlier.offsets.add(offset);
        });
    }

    void gone(long[] offsets) {
        for (long offset : offsets) {
            onceArchived.add(offset);
        }
    }

    /** Adds a file of the topic incarnation {@code topicId}, not the one audited. */
    void ofEarlierTopic(String topicId, long[] offsets) {
        EarlierTopic earlier = earlierTopics.computeIfAbsent(topicId, id -> new EarlierTopic());
        earlier.files++;
        for (long offset : offsets) {
            inAnyFile.add(offset);
            earlier.offsets.add(offset);
        }
    }

    /**
     * Classifies every offset of the range, reading Kafka's log at the gaps it still holds.
     *
     * @param log           Kafka's log of the topic, or null for an audit of the files alone
     * @param group         the archiver's consumer group
     * @param withoutKafka  why the gaps are not checked when there is no {@code log} or Kafka has no such partition
     */
    void judge(KafkaLog log, String group, String withoutKafka) {
        Optional<KafkaLog.Partition> inKafka = log == null ? Optional.empty() : kafka;
        long lastFile = Math.max(archived.last(), onceArchived.last());
        from = min(min(archived.first(), onceArchived.first()), deadLettered.first());
        long logStart = Long.MAX_VALUE;
        // offsets from here on are not checked for want of a committed offset
        long uncommittedFrom = Long.MAX_VALUE;
        if (inKafka.isPresent()) {
            KafkaLog.Partition p = inKafka.get();
            logStart = p.logStart();
            if (from < 0 || p.logStart() < p.logEnd()) {
                from = from < 0 ? p.logStart() : Math.min(from, p.logStart());
            }
            if (p.committed() >= 0) {
                // a committed offset below the log start: Kafka deleted what lies between before it was read
                to = Math.max(p.committed(), Math.min(p.logStart(), p.logEnd()));
            } else {
                uncommittedFrom = lastFile + 1;
                to = Math.max(lastFile + 1, p.logEnd());
            }
        } else {
            to = lastFile + 1;
        }
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
        KafkaLog.Read read = new KafkaLog.Read();
        if (inKafka.isPresent()) {
            for (long[] span : spans(gaps, logStart, uncommittedFrom - 1)) {
                log.read(partition, span[0], span[1], read);
            }
        }
        String notCommitted = inKafka.map(KafkaLog.Partition::earlierTopicId).isPresent()
                ? "the committed offset of group " + group + ", " + inKafka.get().earlierCommitted() + ", was committed"
                        + " for an earlier topic of the same name (topic id " + inKafka.get().earlierTopicId() + ")"
                : "no committed offset for group " + group;
        for (long[] gap : gaps) {
            for (long offset = gap[0]; offset <= gap[1]; offset++) {
                if (onceArchived.contains(offset)) {
                    missing.add(offset);
                } else if (inKafka.isEmpty()) {
                    notChecked(withoutKafka, offset);
                } else if (offset >= uncommittedFrom) {
                    notChecked(notCommitted, offset);
                } else if (offset < logStart) {
                    notChecked(BELOW_LOG_START, offset);
                } else {
                    judge(read, offset);
                }
            }
        }
        for (long offset = to; offset <= lastFile; offset++) {
            if (archived.contains(offset)) {
                ahead++;
            }
        }
    }

    /**
     * The stretches of Kafka's log to read for the gaps, within {@code [first, last]}: gaps near each other are read in
     * one pass, as a new read position costs a fetch round trip, and the records between them are few.
     */
    private static List<long[]> spans(List<long[]> gaps, long first, long last) {
        List<long[]> spans = new ArrayList<>();
        for (long[] gap : gaps) {
            long from = Math.max(gap[0], first);
            long to = Math.min(gap[1], last);
            if (from > to) {
                continue;
            }
            long[] previous = spans.isEmpty() ? null : spans.get(spans.size() - 1);
            if (previous != null && from - previous[1] <= READ_THROUGH) {
                previous[1] = to;
            } else {
                spans.add(new long[] {from, to});
            }
        }
        return spans;
    }

    /** An offset of a gap that Kafka's log was read at. */
    private void judge(KafkaLog.Read read, long offset) {
        if (read.held.contains(offset)) {
            Long source = read.restoredCopies.get(offset);
            (source != null && inAnyFile.contains(source) ? restoredCopies : missing).add(offset);
        } else if (read.passedByLogStart.contains(offset)) {
            notChecked(LOG_START_MOVED, offset);
        } else if (read.beyondEnd.contains(offset)) {
            notChecked(BEYOND_LOG_END, offset);
        } else {
            skippedByKafka.add(offset);
        }
    }

    private void notChecked(String why, long offset) {
        notChecked.computeIfAbsent(why, w -> new OffsetSet()).add(offset);
    }

    private static long min(long a, long b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    /** The offsets of {@code set}, as ranges {@code [first, last]}. */
    static List<long[]> ranges(OffsetSet set) {
        return set.isEmpty() ? List.of() : set.ranges(set.first(), set.last() + 1);
    }

    static long count(List<long[]> ranges) {
        return ranges.stream().mapToLong(r -> r[1] - r[0] + 1).sum();
    }

    long notCheckedCount() {
        return notChecked.values().stream().mapToLong(OffsetSet::size).sum();
    }

    /** Nothing missing and nothing that could not be checked. */
    boolean complete() {
        return missing.isEmpty() && notChecked.isEmpty();
    }
}
