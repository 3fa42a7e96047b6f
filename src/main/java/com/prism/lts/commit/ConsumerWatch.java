package com.prism.lts.commit;

import org.apache.kafka.common.TopicPartition;

/** Told what the consumers of this replica read, and when one starts or stops owning a partition. */
public interface ConsumerWatch {

    /** Called once per poll, on the consumer's thread: counting per record would cost every record a call. */
    void polled(int records);

    void owned(PartitionLedger partition);

    void released(PartitionLedger partition);

    /** The archive route failed for records of {@code partition}: it is read again. */
    void routeFailed(PartitionLedger partition);

    /** {@code partition}'s route has failed so often in a row for the same records that it will not pass by itself. */
    void stuck(TopicPartition partition, String why);

    /** {@code partition} moved past what held it, or is no longer this replica's. */
    void movedOn(TopicPartition partition);

    /**
     * A commit succeeded: {@code states} partitions' offsets with their states, {@code inS3} of them in an object of
     * their own (too large for the commit's metadata), which cost a PUT and later a DELETE each.
     */
    default void committed(int states, int inS3) {
    }
}
