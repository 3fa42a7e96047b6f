package com.prism.lts.commit;

import org.apache.kafka.common.TopicPartition;

/**
 * Told what the consumers of this replica read, and when one starts or stops owning a partition; a watch that is not
 * interested in something leaves it out.
 */
public interface ConsumerWatch {

    /** Called once per poll, on the consumer's thread: counting per record would cost every record a call. */
    default void polled(int records) {
    }

    default void owned(PartitionLedger partition) {
    }

    default void released(PartitionLedger partition) {
    }

    /** The archive route failed for records of {@code partition}: it is read again. */
    default void routeFailed(PartitionLedger partition) {
    }

    /** {@code partition}'s route has failed so often in a row for the same records that it will not pass by itself. */
    default void stuck(TopicPartition partition, String why) {
    }

    /** {@code partition} moved past what held it, or is no longer this replica's. */
    default void movedOn(TopicPartition partition) {
    }

    /**
     * A commit succeeded: {@code states} partitions' offsets with their states, {@code inS3} of them in an object of
     * their own (too large for the commit's metadata), which cost a PUT and later a DELETE each.
     */
    default void committed(int states, int inS3) {
    }
}
