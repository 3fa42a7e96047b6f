package com.prism.lts.commit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/** Partition ledgers for tests outside this package, which cannot assign partitions themselves. */
public final class TestLedgers {

    private TestLedgers() {
    }

    /** The ledger of a partition its consumer has given up (revoked, or lost). */
    public static PartitionLedger givenUp(String topic, int partition) {
        PartitionLedger ledger = assigned(topic, partition);
        ledger.retire();
        return ledger;
    }

    /** What camel-kafka puts in a record's exchange for the route's steps: the record, with its ledger. */
    public static PolledRecord polled(ConsumerRecord<?, ?> record, PartitionLedger ledger) {
        return new PolledRecord(record, ledger);
    }

    /** A watch that is told everything and keeps nothing. */
    static ConsumerWatch unwatched() {
        return new ConsumerWatch() {
        };
    }

    /** The ledger of a partition just assigned to a consumer, with nothing committed yet. */
    public static PartitionLedger assigned(String topic, int partition) {
        return assigned(topic, partition, null);
    }

    /** The same, of the topic incarnation {@code topicId}. */
    public static PartitionLedger assigned(String topic, int partition, Uuid topicId) {
        return new PartitionLedger(new TopicPartition(topic, partition), 1, 0, topicId, -1,
                CommitState.empty(0, topicId));
    }
}
