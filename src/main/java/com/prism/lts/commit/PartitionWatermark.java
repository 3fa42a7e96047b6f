package com.prism.lts.commit;

import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets of one partition, for one assignment of it, that are not yet safe: read from Kafka, but not yet in S3
 * nor in the dead-letter topic.
 * <p>
 * Every record is held from the moment it is polled. A record that joins an open batch gives its hold to the batch,
 * which holds only its first offset; the hold ends when the batch is uploaded or the record dead-lettered. The offset
 * that may be committed is the lowest one still held, or, when nothing is held, one past the last record read: every
 * record below it is safe, whatever order batches of different days finish in.
 */
public final class PartitionWatermark {

    private final TopicPartition partition;
    private final int epoch;
    private final TreeSet<Long> held = new TreeSet<>();
    private long first = -1;
    private long next = -1;
    private long committed = -1;
    private boolean retired;

    PartitionWatermark(TopicPartition partition, int epoch) {
        this.partition = partition;
        this.epoch = epoch;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Tells assignments of the same partition apart: records read again after a rebalance get a new epoch. */
    public int epoch() {
        return epoch;
    }

    synchronized void hold(List<? extends ConsumerRecord<?, ?>> records) {
        if (retired) {
            return;
        }
        for (ConsumerRecord<?, ?> record : records) {
            if (first < 0) {
                first = record.offset();
            }
            held.add(record.offset());
            next = Math.max(next, record.offset() + 1);
        }
    }

    /** The record or batch starting at {@code offset} is safe: uploaded, dead-lettered, or merged into a batch. */
    public synchronized void release(long offset) {
        held.remove(offset);
    }

    /**
     * The offset to commit, if it moved past what was committed last, and past where this assignment started
     * reading: committing that would change nothing.
     */
    synchronized OptionalLong due() {
        if (retired || next < 0) {
            return OptionalLong.empty();
        }
        long safe = held.isEmpty() ? next : held.first();
        return safe > Math.max(committed, first) ? OptionalLong.of(safe) : OptionalLong.empty();
    }

    synchronized void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    synchronized void retire() {
        retired = true;
        held.clear();
    }

    /** What this partition looks like right now, for metrics and logs. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(partition, committed, next, held.size());
    }

    /**
     * @param committed the last committed offset, -1 before the first commit
     * @param next      one past the last offset read, -1 before the first record
     * @param held      how many records or batches are not yet safe
     */
    public record Snapshot(TopicPartition partition, long committed, long next, int held) {

        /** How many offsets have been read but are not committed yet. */
        public long lag() {
            return next < 0 ? 0 : next - Math.max(committed, 0);
        }
    }
}
