package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The rules of one partition's ledger, played the way the route plays them: the records of a poll are held until the
 * route has dealt with all of them; a record that opens a batch holds the batch's first offset until the batch is
 * uploaded; a finished batch's cut is committed before the batch may be uploaded; a new owner follows the cuts
 * committed by the previous one.
 */
class PartitionLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("ac-user-event", 0);
    private static final StreamKey JAN_4 = new StreamKey(LocalDate.of(2018, 1, 4), "1");
    private static final StreamKey JAN_5 = new StreamKey(LocalDate.of(2018, 1, 5), "1");
    private static final int SETTINGS = 42;

    private final PartitionLedger ledger = new PartitionLedger(P0, 1, SETTINGS, -1, CommitState.empty(SETTINGS));

    @Test
    void polled_records_are_held_so_nothing_is_committed_past_the_first_not_yet_routed() {
        poll(ledger, 100, 101, 102);
        assertThat(due(ledger).offset()).isEqualTo(100);

        ledger.released(100, 101);
        assertThat(due(ledger).offset()).as("camel-kafka's exchange ended within the poll").isEqualTo(102);
        ledger.released(102, 102);
        assertThat(due(ledger).offset()).isEqualTo(103);
    }

    @Test
    void records_of_two_polls_dealt_with_at_once_are_released_together() {
        poll(ledger, 100, 101);
        poll(ledger, 102, 103);
        assertThat(due(ledger).offset()).isEqualTo(100);

        ledger.released(100, 103);
        assertThat(due(ledger).offset()).isEqualTo(104);
    }

    @Test
    void the_offset_to_commit_is_the_first_offset_of_the_oldest_batch_not_yet_uploaded() {
        poll(ledger, 100, 101, 102, 103, 104);
        ledger.opened(100, null);
        ledger.opened(101, null);
        ledger.released(100, 104);

        PartitionLedger.Cut tuesday = ledger.finished(JAN_5, 103, 103, null, false);
        commit(ledger);
        ledger.uploaded(101, tuesday);

        assertThat(due(ledger).offset()).as("Monday's batch, still open, holds the commit back").isEqualTo(100);
        PartitionLedger.Cut monday = ledger.finished(JAN_4, 104, 104, null, false);
        commit(ledger);
        ledger.uploaded(100, monday);
        assertThat(due(ledger).offset()).as("every record read is in S3").isEqualTo(105);
    }

    @Test
    void a_poll_whose_route_failed_stays_held_until_a_restart_reads_it_again() {
        poll(ledger, 10, 11, 12);
        ledger.opened(12, null);
        PartitionLedger.Cut cut = ledger.finished(JAN_4, 12, 12, null, false);
        commit(ledger);
        ledger.uploaded(12, cut);
        // the route failed on its way: the poll is never released
        poll(ledger, 13);
        ledger.released(13, 13);

        assertThat(due(ledger).offset()).as("10 and 11 never reached their batch").isEqualTo(10);
        poll(ledger, 14);
        ledger.released(14, 14);
        assertThat(due(ledger).offset()).isEqualTo(10);
    }

    @Test
    void a_finished_batch_may_be_uploaded_only_once_a_commit_carrying_its_cut_succeeded() throws Exception {
        poll(ledger, 0, 1, 2);
        ledger.opened(0, null);
        ledger.released(0, 2);
        PartitionLedger.Cut cut = ledger.finished(JAN_4, 2, 2, null, false);

        PartitionLedger.Snapshot snapshot = ledger.due(false);
        assertThat(snapshot).as("a cut is committed at once, whatever the commit interval").isNotNull();
        assertThat(snapshot.offset()).isZero();
        assertThat(snapshot.state().cuts()).isEqualTo(Map.of(JAN_4, List.of(new CommitState.Cut(2, false))));
        assertThat(cut.awaitingCommit()).isTrue();

        ledger.committed(snapshot);
        assertThat(cut.committed().toCompletableFuture().join()).isTrue();
        ledger.uploaded(0, cut);
        assertThat(ledger.due(true).state().cuts()).as("below the committed offset: forgotten").isEmpty();
    }

    @Test
    void a_file_uploaded_above_the_committed_offset_is_committed_as_done() {
        poll(ledger, 0, 1, 2, 3);
        ledger.opened(0, null);
        ledger.opened(1, null);
        ledger.released(0, 3);
        PartitionLedger.Cut tuesday = ledger.finished(JAN_5, 3, 3, null, false);
        commit(ledger);
        ledger.uploaded(1, tuesday);

        PartitionLedger.Snapshot snapshot = ledger.due(true);
        assertThat(snapshot.offset()).isZero();
        assertThat(snapshot.state().cuts()).isEqualTo(Map.of(JAN_5, List.of(new CommitState.Cut(3, true))));
    }

    @Test
    void nothing_is_committed_before_the_interval_unless_a_cut_waits() {
        poll(ledger, 0, 1);
        ledger.opened(0, null);
        ledger.released(0, 1);
        commit(ledger);

        assertThat(ledger.due(false)).isNull();
        assertThat(ledger.due(true)).as("nothing moved since the last commit").isNull();
    }

    @Test
    void a_consumer_that_gives_the_partition_up_abandons_the_cuts_it_could_not_commit() throws Exception {
        poll(ledger, 0, 1);
        ledger.opened(0, null);
        ledger.opened(1, null);
        PartitionLedger.Cut committed = ledger.finished(JAN_4, 0, 0, null, false);
        commit(ledger);
        PartitionLedger.Cut uncommitted = ledger.finished(JAN_5, 1, 1, null, false);

        ledger.retire();

        assertThat(committed.committed().toCompletableFuture().join()).isTrue();
        assertThat(uncommitted.committed().toCompletableFuture().join()).as("its batch must not be uploaded")
                .isFalse();
        assertThat(ledger.finished(JAN_5, 7, 7, null, false).committed().toCompletableFuture().join()).as("cut after giving up")
                .isFalse();
        assertThat(ledger.due(true)).isNull();
    }

    @Test
    void the_next_owner_skips_files_known_to_be_in_s3_and_cuts_the_others_where_they_were_cut() {
        // Previous owner: committed 100; Jan 4 had a file 90..104 in S3 and a file ending at 110 not known to be
        CommitState previous = new CommitState(SETTINGS, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(104, true), new CommitState.Cut(110, false)))),
                new TreeSet<>(List.of(105L)));
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, 100, previous);
        poll(next, LongStream.rangeClosed(100, 120).toArray());

        assertThat(next.filing(100, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.ARCHIVED_BEFORE);
        assertThat(next.filing(104, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.ARCHIVED_BEFORE);
        assertThat(next.filing(105, null).kind()).isEqualTo(PartitionLedger.Filing.Kind.DEAD_LETTERED_BEFORE);
        PartitionLedger.Cut again = next.filing(106, JAN_4).cut();
        assertThat(again.done()).isFalse();
        assertThat(again.end()).isEqualTo(110);
        assertThat(next.filing(107, JAN_5).cut()).as("another day: cut freely").isNull();
        assertThat(next.filing(110, JAN_4).cut()).isSameAs(again);
        assertThat(next.filing(111, JAN_4).cut()).as("past the last recorded cut: cut freely").isNull();
    }

    @Test
    void the_next_owner_commits_the_previous_owners_cuts_until_they_are_below_its_offset() {
        CommitState previous = new CommitState(SETTINGS, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(110, false)))), new TreeSet<>());
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, 100, previous);
        poll(next, 100, 101, 110);
        PartitionLedger.Cut again = next.filing(100, JAN_4).cut();
        next.opened(100, again);
        next.opened(101, null);
        PartitionLedger.Cut tuesday = next.finished(JAN_5, 101, 101, null, false);
        next.filing(110, JAN_4).cut();
        next.released(100, 110);

        assertThat(next.due(false).state().cuts()).as("its own new cut, and the previous owner's still ahead")
                .isEqualTo(Map.of(JAN_4, List.of(new CommitState.Cut(110, false)),
                        JAN_5, List.of(new CommitState.Cut(101, false))));
        commit(next);
        assertThat(next.finished(JAN_4, 110, 110, again, false)).as("a previous owner's cut is committed already").isSameAs(again);
        next.uploaded(100, again);
        next.uploaded(101, tuesday);
        PartitionLedger.Snapshot all = next.due(true);
        assertThat(all.offset()).isEqualTo(111);
        assertThat(all.state().cuts()).isEmpty();
    }

    @Test
    void a_file_of_the_previous_owner_whose_last_record_is_gone_is_finished_once_it_is_passed() {
        CommitState previous = new CommitState(SETTINGS, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(105, false)))), new TreeSet<>());
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, 100, previous);
        poll(next, 100, 101, 107);
        PartitionLedger.Cut again = next.filing(100, JAN_4).cut();
        next.opened(100, again);

        assertThat(next.passedReplays()).isEmpty();
        next.released(100, 107);
        assertThat(next.passedReplays()).containsExactly(again);
    }

    @Test
    void dead_letters_above_the_committed_offset_are_committed_with_it() {
        poll(ledger, 0, 1, 2);
        ledger.opened(0, null);
        ledger.deadLettered(1);
        ledger.deadLettered(2);
        ledger.released(0, 2);

        assertThat(ledger.due(true).state().deadLettered()).containsExactly(1L, 2L);
    }

    private static void poll(PartitionLedger ledger, long... offsets) {
        ledger.hold(LongStream.of(offsets)
                .mapToObj(offset -> new ConsumerRecord<Object, Object>(P0.topic(), P0.partition(), offset, null, null))
                .toList());
    }

    private static PartitionLedger.Snapshot due(PartitionLedger ledger) {
        return ledger.due(true);
    }

    private static void commit(PartitionLedger ledger) {
        ledger.committed(ledger.due(true));
    }
}
