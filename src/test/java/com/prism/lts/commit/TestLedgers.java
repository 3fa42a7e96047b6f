package com.prism.lts.commit;

import org.apache.kafka.common.TopicPartition;

/** Partition ledgers for tests outside this package, which cannot assign partitions themselves. */
public final class TestLedgers {

    private TestLedgers() {
    }

    /** The ledger of a partition just assigned to a consumer, with nothing committed yet. */
    public static PartitionLedger assigned(String topic, int partition) {
        return new PartitionLedger(new TopicPartition(topic, partition), 1, 0, -1, CommitState.empty(0));
    }
}
