package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * The rules of one partition's ledger, played the way the route plays them: the records of a poll are held until the
 * route has dealt with all of them; a record that opens a batch holds the batch's first offset until the batch is
 * uploaded; a finished batch's file (its first and last offset) is committed before the batch may be uploaded; a new
 * owner follows the files committed by the previous one; a ledger that cannot vouch for every record it read is given
 * up, and the partition read again.
 */
class PartitionLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("ac-user-event", 0);
    private static final StreamKey JAN_4 = new StreamKey(LocalDate.of(2018, 1, 4), "1");
    private static final StreamKey JAN_5 = new StreamKey(LocalDate.of(2018, 1, 5), "1");
    private static final int SETTINGS = 42;
    private static final Uuid TOPIC = Uuid.fromString("q5Xe6CXvSKSmW8GkpQ6ARw");

    private final PartitionLedger ledger = new PartitionLedger(P0, 1, SETTINGS, TOPIC, -1,
            CommitState.empty(SETTINGS, TOPIC));

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

        PartitionLedger.Cut tuesday = ledger.finished(JAN_5, 101, 103, null, false);
        commit(ledger);
        ledger.uploaded(101, tuesday);

        assertThat(due(ledger).offset()).as("Monday's batch, still open, holds the commit back").isEqualTo(100);
        PartitionLedger.Cut monday = ledger.finished(JAN_4, 100, 104, null, false);
        commit(ledger);
        ledger.uploaded(100, monday);
        assertThat(due(ledger).offset()).as("every record read is in S3").isEqualTo(105);
    }

    @Test
    void a_poll_whose_route_failed_gives_the_ledger_up_so_the_partition_is_read_again_from_its_committed_offset() {
        poll(ledger, 8, 9);
        ledger.opened(8, null);
        ledger.released(8, 9);
        PartitionLedger.Cut cut = ledger.finished(JAN_4, 8, 9, null, false);
        poll(ledger, 10, 11);
        // the route fails for 10 and 11; camel-kafka polls on, and a later poll of the same day is routed
        ledger.failed(10, "a step threw");

        assertThat(ledger.rewind().kind()).isEqualTo(PartitionLedger.Rewind.Kind.FAILED);
        assertThat(ledger.retired()).isTrue();
        assertThat(cut.committed().toCompletableFuture().join()).as("a cut made before, not yet committed")
                .isFalse();
        assertThat(ledger.due(true)).as("nothing more is committed from this ledger").isNull();
        assertThat(ledger.filing(12, JAN_4).kind()).as("records of it camel-kafka still holds go no further")
                .isEqualTo(PartitionLedger.Filing.Kind.GIVEN_UP);
    }

    @Test
    void a_poll_released_past_one_that_was_never_released_is_a_failed_poll_too() {
        poll(ledger, 10, 11);
        poll(ledger, 12, 13);
        ledger.released(12, 13);

        assertThat(ledger.rewind().kind()).isEqualTo(PartitionLedger.Rewind.Kind.FAILED);
        assertThat(ledger.rewind().offset()).isEqualTo(10);
    }

    @Test
    void a_poll_that_does_not_continue_where_the_last_one_ended_is_refused_and_the_partition_read_again() {
        assertThat(poll(ledger, 10, 11, 12)).isTrue();
        assertThat(poll(ledger, 20, 21)).as("a gap: transaction markers, records compacted away").isTrue();

        assertThat(poll(ledger, 15, 16)).as("Kafka moved the read position back").isFalse();
        assertThat(ledger.rewind().kind()).isEqualTo(PartitionLedger.Rewind.Kind.MOVED_BACK);
        assertThat(ledger.rewind().offset()).isEqualTo(15);
    }

    @Test
    void the_first_poll_below_the_committed_offset_is_refused_too() {
        PartitionLedger taken = new PartitionLedger(P0, 2, SETTINGS, TOPIC, 50, CommitState.empty(SETTINGS, TOPIC));

        assertThat(poll(taken, 0, 1)).as("an out-of-range reset to the log start").isFalse();
        assertThat(taken.rewind().offset()).isZero();
    }

    @Test
    void a_finished_batch_may_be_uploaded_only_once_a_commit_carrying_its_file_succeeded() {
        poll(ledger, 0, 1, 2);
        ledger.opened(0, null);
        ledger.released(0, 2);
        PartitionLedger.Cut cut = ledger.finished(JAN_4, 0, 2, null, false);

        PartitionLedger.Snapshot snapshot = ledger.due(false);
        assertThat(snapshot).as("a cut is committed at once, whatever the commit interval").isNotNull();
        assertThat(snapshot.offset()).isZero();
        assertThat(snapshot.state().cuts()).isEqualTo(Map.of(JAN_4, List.of(new CommitState.Cut(0, 2, false))));
        assertThat(snapshot.state().topicId()).isEqualTo(TOPIC);
        assertThat(cut.awaitingCommit()).isTrue();

        ledger.committed(snapshot);
        assertThat(cut.committed().toCompletableFuture().join()).isTrue();
        ledger.uploaded(0, cut);
        assertThat(ledger.due(true).state().cuts()).as("below the committed offset: forgotten").isEmpty();
    }

    @Test
    void a_file_waits_for_the_topic_id_to_be_checked_after_its_records_were_read() {
        poll(ledger, 0, 1, 2, 3);
        ledger.opened(0, null);
        ledger.opened(3, null);
        ledger.released(0, 3);
        CompletableFuture<Boolean> mayUpload = ledger.mayUpload(ledger.finished(JAN_4, 0, 2, null, false))
                .toCompletableFuture();
        commit(ledger);

        assertThat(mayUpload).as("committed, but its records may be of a topic created again since").isNotDone();
        assertThat(ledger.awaitingTopicCheck()).isTrue();
        ledger.topicChecked(ledger.polls());
        assertThat(mayUpload.join()).isTrue();
        assertThat(ledger.awaitingTopicCheck()).isFalse();

        CompletableFuture<Boolean> readBeforeTheCheck = ledger.mayUpload(ledger.finished(JAN_5, 3, 3, null, false))
                .toCompletableFuture();
        commit(ledger);
        assertThat(readBeforeTheCheck.join()).as("nothing was read since the check").isTrue();
    }

    @Test
    void an_answer_to_a_topic_id_request_sent_before_a_files_last_poll_does_not_let_it_be_written() {
        poll(ledger, 0, 1);
        long asked = ledger.polls();
        poll(ledger, 2, 3);
        ledger.opened(0, null);
        ledger.released(0, 3);
        CompletableFuture<Boolean> mayUpload = ledger.mayUpload(ledger.finished(JAN_4, 0, 3, null, false))
                .toCompletableFuture();
        commit(ledger);

        ledger.topicChecked(asked);
        assertThat(mayUpload).as("offsets 2 and 3 were read after the request was sent").isNotDone();

        ledger.topicChecked(ledger.polls());
        assertThat(mayUpload.join()).isTrue();
    }

    @Test
    void a_file_read_from_a_topic_deleted_and_created_again_is_not_written_under_the_old_id() {
        poll(ledger, 0, 1, 2);
        ledger.opened(0, null);
        ledger.released(0, 2);
        PartitionLedger.Cut cut = ledger.finished(JAN_4, 0, 2, null, false);
        CompletableFuture<Boolean> mayUpload = ledger.mayUpload(cut).toCompletableFuture();
        commit(ledger);

        ledger.recreated(Uuid.randomUuid());

        assertThat(mayUpload.join()).as("read again from the new topic's start").isFalse();
        assertThat(ledger.rewind().kind()).isEqualTo(PartitionLedger.Rewind.Kind.RECREATED);
    }

    @Test
    void a_ledger_started_without_its_topic_id_commits_and_uploads_nothing_and_is_read_again_once_it_is_known() {
        PartitionLedger unknown = new PartitionLedger(P0, 1, SETTINGS, null, -1, CommitState.empty(SETTINGS, null));
        poll(unknown, 0);
        unknown.opened(0, null);
        unknown.released(0, 0);
        CompletableFuture<Boolean> mayUpload = unknown.mayUpload(unknown.finished(JAN_4, 0, 0, null, false))
                .toCompletableFuture();

        assertThat(unknown.due(true)).isNull();
        assertThat(unknown.awaitingTopicCheck()).isTrue();
        unknown.topicIdFound(TOPIC);

        assertThat(mayUpload.join()).isFalse();
        assertThat(unknown.rewind().kind()).isEqualTo(PartitionLedger.Rewind.Kind.TOPIC_ID_FOUND);
    }

    @Test
    void a_file_uploaded_above_the_committed_offset_is_committed_as_done() {
        poll(ledger, 0, 1, 2, 3);
        ledger.opened(0, null);
        ledger.opened(1, null);
        ledger.released(0, 3);
        PartitionLedger.Cut tuesday = ledger.finished(JAN_5, 1, 3, null, false);
        commit(ledger);
        ledger.uploaded(1, tuesday);

        PartitionLedger.Snapshot snapshot = ledger.due(true);
        assertThat(snapshot.offset()).isZero();
        assertThat(snapshot.state().cuts()).isEqualTo(Map.of(JAN_5, List.of(new CommitState.Cut(1, 3, true))));
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
    void a_consumer_that_gives_the_partition_up_abandons_the_cuts_it_could_not_commit() {
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
        assertThat(ledger.finished(JAN_5, 7, 7, null, false).committed().toCompletableFuture().join())
                .as("cut after giving up").isFalse();
        assertThat(ledger.due(true)).isNull();
    }

    @Test
    void the_next_owner_skips_files_known_to_be_in_s3_and_gathers_the_others_exactly_as_they_were_cut() {
        // Previous owner: committed 100; Jan 4 had a file 90..104 in S3 and a file 106..110 not known to be
        CommitState previous = new CommitState(SETTINGS, TOPIC, null, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(90, 104, true), new CommitState.Cut(106, 110, false)))),
                new TreeSet<>(List.of(105L)));
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, TOPIC, 100, previous);
        poll(next, LongStream.rangeClosed(100, 120).toArray());

        assertThat(next.filing(100, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.ARCHIVED_BEFORE);
        assertThat(next.filing(104, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.ARCHIVED_BEFORE);
        assertThat(next.filing(105, null).kind()).isEqualTo(PartitionLedger.Filing.Kind.DEAD_LETTERED_BEFORE);
        PartitionLedger.Filing again = next.filing(106, JAN_4);
        assertThat(again.kind()).isEqualTo(PartitionLedger.Filing.Kind.AGAIN);
        assertThat(again.cut().first()).isEqualTo(106);
        assertThat(again.cut().end()).isEqualTo(110);
        assertThat(next.filing(107, JAN_5).kind()).as("another day: cut freely")
                .isEqualTo(PartitionLedger.Filing.Kind.FREE);
        assertThat(next.filing(110, JAN_4).cut()).isSameAs(again.cut());
        assertThat(next.filing(111, JAN_4).kind()).as("past the last recorded file: cut freely")
                .isEqualTo(PartitionLedger.Filing.Kind.FREE);
    }

    @Test
    void records_of_a_day_below_the_first_offset_of_its_file_in_s3_are_not_taken_for_archived() {
        // The previous owner's poll of 10..11 failed; a later poll opened the file 12..14 of the same day, which is
        // in S3, while 10 and 11 were still held: the committed offset stayed at 10
        CommitState previous = new CommitState(SETTINGS, TOPIC, null, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(12, 14, true)))), new TreeSet<>());
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, TOPIC, 10, previous);
        poll(next, 10, 11, 12, 13, 14);

        assertThat(next.filing(10, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.FREE);
        assertThat(next.filing(11, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.FREE);
        assertThat(next.filing(12, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.ARCHIVED_BEFORE);
    }

    @Test
    void a_record_the_previous_owner_archived_and_this_replica_rejects_is_neither_dead_lettered_nor_skipped() {
        CommitState previous = new CommitState(SETTINGS, TOPIC, null, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(10, 14, true)))), new TreeSet<>(List.of(12L)));
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, TOPIC, 10, previous);
        poll(next, 10, 11, 12, 13, 14, 15);

        assertThat(next.filing(11, null).kind()).as("its previous owner did not dead-letter it: it is in some file")
                .isEqualTo(PartitionLedger.Filing.Kind.REFUSED_HERE);
        assertThat(next.filing(12, null).kind()).isEqualTo(PartitionLedger.Filing.Kind.DEAD_LETTERED_BEFORE);
        assertThat(next.filing(15, null).kind()).as("past all its previous owner did")
                .isEqualTo(PartitionLedger.Filing.Kind.DEAD_LETTER);
    }

    @Test
    void a_record_inside_a_file_nested_in_another_of_its_day_belongs_to_the_inner_one() {
        // An owner gathered 12..14 again for its previous owner while its own batch of the day, 10..15, was open
        CommitState previous = new CommitState(SETTINGS, TOPIC, null, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(12, 14, true), new CommitState.Cut(10, 15, false)))),
                new TreeSet<>());
        PartitionLedger next = new PartitionLedger(P0, 3, SETTINGS, TOPIC, 10, previous);
        poll(next, 10, 11, 12, 13, 14, 15);

        assertThat(next.filing(11, JAN_4).cut().first()).isEqualTo(10);
        assertThat(next.filing(13, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.ARCHIVED_BEFORE);
        assertThat(next.filing(15, JAN_4).cut().first()).isEqualTo(10);
    }

    @Test
    void a_file_gathered_again_holds_its_first_offset_and_is_committed_until_below_the_offset() {
        CommitState previous = new CommitState(SETTINGS, TOPIC, null, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(100, 110, false)))), new TreeSet<>());
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, TOPIC, 100, previous);
        poll(next, 100, 101, 110);
        PartitionLedger.Cut again = next.filing(100, JAN_4).cut();
        next.opened(100, again);
        next.opened(101, null);
        PartitionLedger.Cut tuesday = next.finished(JAN_5, 101, 101, null, false);
        next.filing(110, JAN_4);
        next.released(100, 110);

        assertThat(next.due(false).state().cuts()).as("its own new file, and the previous owner's still ahead")
                .isEqualTo(Map.of(JAN_4, List.of(new CommitState.Cut(100, 110, false)),
                        JAN_5, List.of(new CommitState.Cut(101, 101, false))));
        commit(next);
        assertThat(next.finished(JAN_4, 100, 110, again, false)).as("a previous owner's file is committed already")
                .isSameAs(again);
        next.uploaded(100, again);
        next.uploaded(101, tuesday);
        PartitionLedger.Snapshot all = next.due(true);
        assertThat(all.offset()).isEqualTo(111);
        assertThat(all.state().cuts()).isEmpty();
    }

    @Test
    void a_file_of_the_previous_owner_whose_last_record_is_gone_is_finished_once_it_is_passed() {
        CommitState previous = new CommitState(SETTINGS, TOPIC, null, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(100, 105, false)))), new TreeSet<>());
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, TOPIC, 100, previous);
        poll(next, 100, 101, 107);
        PartitionLedger.Cut again = next.filing(100, JAN_4).cut();
        next.opened(100, again);

        assertThat(next.passedReplays(false)).isEmpty();
        next.released(100, 107);
        assertThat(next.passedReplays(false)).containsExactly(again);
        assertThat(next.finished(JAN_4, 100, 101, again, false)).as("ended short while its end may still come")
                .isNull();
        assertThat(next.finished(JAN_4, 100, 101, again, true)).as("ended short, its end passed").isSameAs(again);
    }

    @Test
    void a_file_of_the_previous_owner_that_ends_past_a_truncated_log_is_finished_once_the_log_is_read_to_its_end() {
        CommitState previous = new CommitState(SETTINGS, TOPIC, null, new TreeMap<>(Map.of(
                JAN_4, List.of(new CommitState.Cut(100, 105, false)))), new TreeSet<>());
        PartitionLedger next = new PartitionLedger(P0, 2, SETTINGS, TOPIC, 100, previous);
        poll(next, 100, 101);
        PartitionLedger.Cut again = next.filing(100, JAN_4).cut();
        next.opened(100, again);

        assertThat(next.passedReplays(true)).as("read to the end, but not yet routed").isEmpty();
        next.released(100, 101);
        assertThat(next.passedReplays(false)).as("more may come").isEmpty();
        assertThat(next.passedReplays(true)).as("the log ends at 102: nothing more of the file comes")
                .containsExactly(again);
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

    private static boolean poll(PartitionLedger ledger, long... offsets) {
        return ledger.hold(LongStream.of(offsets)
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
