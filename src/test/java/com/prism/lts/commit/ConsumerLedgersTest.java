package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import com.prism.lts.config.Backoff;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * What a consumer decides about its partitions, without Kafka: one whose route fails is read again from its committed
 * offset after a pause that grows, and said to be stuck while it keeps failing for the same records; one taken while
 * its topic's id could not be read commits nothing until it can, and is then read again as that id says.
 */
class ConsumerLedgersTest {

    private static final TopicPartition P0 = new TopicPartition("ac-user-event", 0);
    private static final StreamKey JAN_4 = new StreamKey(LocalDate.of(2018, 1, 4), "1");

    private final AtomicLong nanos = new AtomicLong();
    private final List<String> told = new ArrayList<>();
    private final AtomicInteger epochs = new AtomicInteger();
    private final ConsumerLedgers ledgers = new ConsumerLedgers(new CommitMetadata(new NoObjects(), "topics", "g"),
            new NoBatches(), new Told(), topic -> 1, 1_000_000_000L, new Backoff(100, 1_000), nanos::get,
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

    /**
     * Partition 0 was committed at 48, its record 47 read with leader epoch 0. An unclean leader election truncated
     * its log at 44, and new records (epoch 1) were written from there: Kafka moves the read position back to 44, and
     * the records 44 to 47 below the committed offset are new. Whatever gives up the ledger reading them (a failed
     * route step here; a topic id found, a moved position) before a commit of its own, reading again from the
     * committed offset would commit past them unread: found by the ledger simulation (seed 901703).
     */
    @Test
    void new_records_below_the_committed_offset_of_a_truncated_log_are_read_again_until_a_commit_replaces_it()
            throws Exception {
        Uuid id = Uuid.randomUuid();
        OffsetAndMetadata committed = new OffsetAndMetadata(48, Optional.of(0), "");
        ledgers.take(P0, committed, id);
        assertThat(ledgers.hold(P0, records(1, 44, 45))).as("read below the committed offset").isFalse();
        assertThat(ledgers.restart(P0, committed, id)).as("where the records changed").isEqualTo(44);

        assertThat(ledgers.hold(P0, records(1, 44, 45, 46))).isTrue();
        ledgers.ledger(P0).failed(44, "a step threw");
        assertThat(ledgers.restart(P0, committed, id)).as("read again from where the records changed, not from 48")
                .isEqualTo(44);

        assertThat(ledgers.hold(P0, records(1, 44, 45, 46, 47))).isTrue();
        ledgers.ledger(P0).released(44, 47);
        ConsumerLedgers.Commit own = ledgers.due(List.of(P0), true);
        ledgers.answered(own, null);
        OffsetAndMetadata replaced = own.offsets().get(P0);
        assertThat(replaced.offset()).isEqualTo(48);
        ledgers.ledger(P0).failed(48, "a step threw");
        assertThat(ledgers.restart(P0, replaced, id)).as("its own commit names the new records").isEqualTo(48);
    }

    /**
     * A finished file waits for its commit and for a check of its topic's id asked after its last record was read: the
     * check is asked beside the commit that carries its cut, not again and again in between (each is a request to a
     * broker), and 50 ms after the last when no commit is sent.
     */
    @Test
    void while_a_file_waits_for_the_topic_id_check_it_is_asked_beside_each_commit() throws Exception {
        Uuid id = Uuid.randomUuid();
        ledgers.take(P0, new OffsetAndMetadata(10), id);
        assertThat(ledgers.topicCheckDue()).as("about once a second in any case").isTrue();
        nanos.addAndGet(1_000_000L);
        assertThat(ledgers.hold(P0, records(10, 11))).isTrue();
        PartitionLedger ledger = ledgers.ledger(P0);
        ledger.opened(10, null);
        ledger.released(10, 11);
        PartitionLedger.Cut cut = ledger.finished(JAN_4, 10, 11, null, false);
        var mayUpload = ledger.mayUpload(cut).toCompletableFuture();
        assertThat(ledgers.awaitingTopicCheck()).isTrue();
        assertThat(ledgers.topicCheckDue()).as("no commit sent since the last check").isFalse();

        ConsumerLedgers.Commit commit = ledgers.due(List.of(P0), false);
        ledgers.sent(commit);
        assertThat(ledgers.topicCheckDue()).as("beside the commit carrying the cut").isTrue();
        Map<PartitionLedger, Long> pollsBefore = ledgers.pollsBefore();
        nanos.addAndGet(10_000_000L);
        assertThat(ledgers.topicCheckDue()).as("not again before another commit or 50 ms").isFalse();

        ledgers.answered(commit, null);
        assertThat(mayUpload).as("committed, its topic not checked yet").isNotDone();
        ledgers.topicIds(Map.of(P0.topic(), id), pollsBefore);
        assertThat(mayUpload).isCompletedWithValue(true);
        nanos.addAndGet(50_000_000L);
        assertThat(ledgers.topicCheckDue()).as("nothing waits: once a second").isFalse();
    }

    private static List<ConsumerRecord<Object, Object>> records(int leaderEpoch, long... offsets) {
        return LongStream.of(offsets).mapToObj(offset -> new ConsumerRecord<Object, Object>(P0.topic(),
                P0.partition(), offset, 0L, TimestampType.CREATE_TIME, 0, 0, null, null, new RecordHeaders(),
                Optional.of(leaderEpoch))).toList();
    }

    private static List<ConsumerRecord<Object, Object>> records(long... offsets) {
        return records(P0, offsets);
    }

    private static List<ConsumerRecord<Object, Object>> records(TopicPartition partition, long... offsets) {
        return LongStream.of(offsets).mapToObj(offset ->
                new ConsumerRecord<Object, Object>(partition.topic(), partition.partition(), offset, null, null))
                .toList();
    }

    /**
     * An archiver of the earlier topic committed offset 10 on the topic of the same name created since, in the second
     * before it saw the change, with a state that names the earlier topic and a file of its offsets 10 to 20 in S3.
     * The partition comes to a consumer while the topic's id cannot be read (the admin client timed out): following
     * that state, it would skip the new topic's records 10 to 20 as archived.
     */
    @Test
    void a_partition_taken_while_its_topic_id_could_not_be_read_is_read_from_its_start_once_the_id_names_another_topic()
            throws Exception {
        Uuid earlier = Uuid.randomUuid();
        Uuid now = Uuid.randomUuid();
        CommitState stale = new CommitState(1, earlier, null, new TreeMap<>(Map.of(JAN_4,
                List.of(new CommitState.Cut(10, 20, true)))), new TreeSet<>());
        OffsetAndMetadata committed = new OffsetAndMetadata(10, CommitMetadata.INLINE + stale.toText(10));

        ledgers.take(P0, committed, null);
        assertThat(ledgers.hold(P0, records(10, 11))).isTrue();
        ledgers.ledger(P0).released(10, 11);
        assertThat(ledgers.due(List.of(P0), true)).as("nothing committed while the id is unknown").isNull();

        ledgers.topicIds(Map.of(P0.topic(), now), ledgers.pollsBefore());

        assertThat(ledgers.rewinds()).as("partitions read again").containsExactly(P0);
        assertThat(ledgers.restart(P0, committed, now)).as("the state is of another topic")
                .isEqualTo(ConsumerLedgers.FROM_ITS_START);
    }

    @Test
    void a_partition_taken_while_its_topic_id_could_not_be_read_follows_its_state_once_the_id_is_the_states()
            throws Exception {
        Uuid id = Uuid.randomUuid();
        CommitState state = new CommitState(1, id, null, new TreeMap<>(Map.of(JAN_4,
                List.of(new CommitState.Cut(10, 20, true)))), new TreeSet<>());
        OffsetAndMetadata committed = new OffsetAndMetadata(10, CommitMetadata.INLINE + state.toText(10));
        ledgers.take(P0, committed, null);

        ledgers.topicIds(Map.of(P0.topic(), id), ledgers.pollsBefore());

        assertThat(ledgers.restart(P0, committed, id)).isEqualTo(10);
        assertThat(ledgers.ledger(P0).filing(15, JAN_4)).as("in the file the state names")
                .isEqualTo(PartitionLedger.Filing.ARCHIVED_BEFORE);
    }

    /**
     * The group coordinator writes one commit as one batch of records, which the broker refuses for good beyond its
     * {@code message.max.bytes}: a thousand partitions with a few kilobytes of state each are committed in turns, each
     * commit within its budget, the next one at once rather than a commit interval later.
     */
    @Test
    void many_partitions_with_large_states_are_committed_in_turns_that_each_fit_in_one_batch() throws Exception {
        Uuid id = Uuid.randomUuid();
        TreeMap<StreamKey, List<CommitState.Cut>> days = new TreeMap<>();
        for (int day = 0; day < 250; day++) {
            days.put(new StreamKey(JAN_4.day().plusDays(day), "1"), List.of(new CommitState.Cut(100 + day, 100 + day,
                    true)));
        }
        String state = CommitMetadata.INLINE + new CommitState(1, id, null, days, new TreeSet<>()).toText(10);
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < 1_000; p++) {
            TopicPartition partition = new TopicPartition("wide", p);
            partitions.add(partition);
            ledgers.take(partition, new OffsetAndMetadata(10, state), id);
            assertThat(ledgers.hold(partition, records(partition, 10))).isTrue();
            ledgers.ledger(partition).released(10, 10);
        }

        Map<TopicPartition, Long> committed = new HashMap<>();
        int commits = 0;
        for (ConsumerLedgers.Commit commit = ledgers.due(partitions, false); commit != null;
                commit = ledgers.due(partitions, false)) {
            long bytes = commit.offsets().values().stream()
                    .mapToLong(offset -> offset.metadata().length() + ConsumerLedgers.BYTES_PER_OFFSET).sum();
            assertThat(bytes).as("commit %d", commits).isLessThanOrEqualTo(ConsumerLedgers.COMMIT_BYTES + 4096
                    + ConsumerLedgers.BYTES_PER_OFFSET);
            commit.offsets().forEach((partition, offset) ->
                    assertThat(committed.put(partition, offset.offset())).as("%s once", partition).isNull());
            ledgers.sent(commit);
            ledgers.answered(commit, null);
            commits++;
        }

        assertThat(state.length()).as("a state that Kafka keeps inline").isBetween(1_000, 4_096);
        assertThat(commits).as("turns, with no time passing").isGreaterThan(1);
        assertThat(committed).hasSize(partitions.size()).allSatisfy((partition, offset) ->
                assertThat(offset).isEqualTo(11));
    }

    private final class Told implements ConsumerWatch {
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
