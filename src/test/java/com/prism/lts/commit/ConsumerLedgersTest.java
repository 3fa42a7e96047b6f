package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import com.prism.lts.config.Backoff;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * What a consumer decides about a partition whose route fails: it is read again from its committed offset after a
 * pause that grows, and a partition that keeps failing for the same records is said to be stuck until it moves on.
 */
class ConsumerLedgersTest {

    private static final TopicPartition P0 = new TopicPartition("ac-user-event", 0);

    private final AtomicLong nanos = new AtomicLong();
    private final List<String> told = new ArrayList<>();
    private final AtomicInteger epochs = new AtomicInteger();
    private final ConsumerLedgers ledgers = new ConsumerLedgers(new CommitMetadata(new NoObjects(), "topics", "g"),
            new NoBatches(), new Told(), 1, 1_000_000_000L, new Backoff(100, 1_000), nanos::get,
            epochs::incrementAndGet);

    @Test
    void a_partition_whose_route_keeps_failing_for_the_same_records_is_stuck_until_it_moves_past_them()
            throws Exception {
        OffsetAndMetadata committed = new OffsetAndMetadata(10);
        ledgers.take(P0, committed, null);

        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(ledgers.hold(P0, records(10, 11))).isTrue();
            ledgers.ledger(P0).failed(10, "a step threw");
            assertThat(ledgers.rewinds()).containsExactly(P0);
            assertThat(ledgers.restart(P0, committed, null)).as("read again from its committed offset").isEqualTo(10);
            assertThat(ledgers.waitingToRetry()).as("not before its pause is over").containsExactly(P0);
            nanos.addAndGet(2_000_000_000L);
        }
        assertThat(told).containsExactly("stuck " + P0);

        assertThat(ledgers.hold(P0, records(10, 11, 12))).isTrue();
        assertThat(told).containsExactly("stuck " + P0, "moved on " + P0);
        assertThat(ledgers.waitingToRetry()).isEmpty();
    }

    private static List<ConsumerRecord<Object, Object>> records(long... offsets) {
        return LongStream.of(offsets)
                .mapToObj(offset -> new ConsumerRecord<Object, Object>(P0.topic(), P0.partition(), offset, null, null))
                .toList();
    }

    private final class Told implements ConsumerWatch {
        @Override
        public void polled(int records) {
        }

        @Override
        public void owned(PartitionLedger partition) {
        }

        @Override
        public void released(PartitionLedger partition) {
        }

        @Override
        public void routeFailed(PartitionLedger partition) {
        }

        @Override
        public void stuck(TopicPartition partition, String why) {
            told.add("stuck " + partition);
        }

        @Override
        public void movedOn(TopicPartition partition) {
            told.add("moved on " + partition);
        }
    }

    private static final class NoBatches implements OpenBatches {
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
    }

    private static final class NoObjects implements StateObjects {
        @Override
        public void put(String key, byte[] bytes) {
            throw new IllegalStateException("no state here is large enough to need " + key);
        }

        @Override
        public byte[] get(String key) {
            return null;
        }

        @Override
        public void delete(String key) {
        }

        @Override
        public List<Listed> list(String prefix) {
            return List.of();
        }
    }
}
