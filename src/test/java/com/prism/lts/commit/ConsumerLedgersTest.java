package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.prism.lts.config.Backoff;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** What a consumer decides when a partition comes, without Kafka. */
class ConsumerLedgersTest {

    private static final TopicPartition PARTITION = new TopicPartition("events", 0);
    private static final StreamKey JAN_4 = new StreamKey(LocalDate.of(2018, 1, 4), "1");

    /**
     * An archiver of the earlier topic committed offset 10 on the topic of the same name created since, in the second
     * before it saw the change, with a state that names the earlier topic and a file of its offsets 10 to 20 in S3.
     * The partition comes to a consumer while the topic's id cannot be read (the admin client timed out): it follows
     * that state, and skips the new topic's records 10 to 20 as archived. Once the id can be read, and is not the
     * state's, the partition must be read again from its start, or those records are lost.
     */
    @Test
    void a_partition_taken_while_its_topic_id_could_not_be_read_is_read_from_its_start_once_the_id_names_another_topic()
            throws InterruptedException {
        Uuid earlier = Uuid.randomUuid();
        CommitState stale = new CommitState(0, earlier, null, new TreeMap<>(Map.of(JAN_4,
                List.of(new CommitState.Cut(10, 20, true)))), new TreeSet<>());
        ConsumerLedgers ledgers = ledgers();

        ledgers.take(PARTITION, new OffsetAndMetadata(10, CommitMetadata.INLINE + stale.toText(10)), null);
        ledgers.topicId(PARTITION.topic(), Uuid.randomUuid());

        assertThat(ledgers.rewinds()).as("partitions read again").containsExactly(PARTITION);
    }

    private static ConsumerLedgers ledgers() {
        StateObjects none = new StateObjects() {
            @Override
            public void put(String key, byte[] bytes) {
                throw new UnsupportedOperationException("no state is this large here");
            }

            @Override
            public byte[] get(String key) {
                return null;
            }

            @Override
            public void delete(String key) {
            }
        };
        OpenBatches batches = new OpenBatches() {
            @Override
            public int waitingUploads() {
                return 0;
            }

            @Override
            public void drop(PartitionLedger partition) {
            }

            @Override
            public void finish(Collection<PartitionLedger.Cut> cuts) {
            }
        };
        return new ConsumerLedgers(new CommitMetadata(none, "topics", "g"), batches, TestLedgers.unwatched(), 0,
                1_000_000_000L, new Backoff(500, 30_000), System::nanoTime, () -> 1);
    }
}
