package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The low-watermark rules, played the way the route plays them: a polled record is held; a record that joins an open
 * batch releases its own offset, so a batch holds only its first one; an uploaded batch or a dead-lettered record
 * releases what it held.
 */
class CommitWatermarkTest {

    private static final String TOPIC = "ac-user-event";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final CommitWatermark watermark = new CommitWatermark();

    @BeforeEach
    void assign() {
        watermark.assigned(List.of(P0, P1));
    }

    @Test
    void polled_records_are_held_so_nothing_is_committed_past_the_first_of_them() {
        poll(P0, 100, 101, 102);

        assertThat(watermark.due(Set.of(P0))).as("committing where reading began changes nothing").isEmpty();
        watermark.partition(TOPIC, 0).release(100);
        assertThat(watermark.due(Set.of(P0))).isEqualTo(Map.of(P0, new OffsetAndMetadata(101)));
    }

    @Test
    void a_partitions_due_offset_is_its_lowest_offset_still_held() {
        poll(P0, 100, 101, 102, 103, 104);
        PartitionWatermark p0 = watermark.partition(TOPIC, 0);

        p0.release(100);
        p0.release(101);
        p0.release(103);

        assertThat(dueOffset(P0)).isEqualTo(102);
    }

    @Test
    void a_finished_day_does_not_let_the_commit_pass_the_first_record_of_a_day_still_open() {
        poll(P0, 0, 1, 2, 3, 4, 5);
        PartitionWatermark p0 = watermark.partition(TOPIC, 0);
        // offsets 0, 2, 4 are of 2018-01-04 and 1, 3, 5 of 2018-01-05; each day's first record opens its batch
        p0.release(2);
        p0.release(3);
        p0.release(4);
        p0.release(5);

        p0.release(0);

        assertThat(dueOffset(P0)).as("2018-01-04 uploaded, 2018-01-05 still open").isEqualTo(1);
        p0.release(1);
        assertThat(dueOffset(P0)).as("both days uploaded").isEqualTo(6);
    }

    @Test
    void when_nothing_is_held_the_due_offset_is_one_past_the_last_record_read() {
        poll(P0, LongStream.range(0, 10).toArray());

        LongStream.range(0, 10).forEach(watermark.partition(TOPIC, 0)::release);

        assertThat(dueOffset(P0)).isEqualTo(10);
    }

    @Test
    void a_partition_is_due_only_when_its_safe_offset_moved_past_the_last_commit() {
        poll(P0, 0, 1);
        PartitionWatermark p0 = watermark.partition(TOPIC, 0);
        p0.release(0);
        p0.release(1);
        watermark.committed(watermark.due(Set.of(P0)));

        assertThat(watermark.due(Set.of(P0))).as("nothing moved since the commit").isEmpty();
        poll(P0, 2, 3);
        assertThat(watermark.due(Set.of(P0))).as("new records held at the committed offset").isEmpty();
        p0.release(2);
        assertThat(dueOffset(P0)).isEqualTo(3);
    }

    @Test
    void nothing_is_due_for_a_partition_before_its_first_record() {
        assertThat(watermark.due(Set.of(P0, P1))).isEmpty();
    }

    @Test
    void only_the_partitions_asked_about_are_due() {
        poll(P0, 5);
        poll(P1, 7);
        watermark.partition(TOPIC, 0).release(5);
        watermark.partition(TOPIC, 1).release(7);

        assertThat(watermark.due(Set.of(P1))).isEqualTo(Map.of(P1, new OffsetAndMetadata(8)));
    }

    @Test
    void a_revoked_partition_is_forgotten_and_its_late_batches_count_for_nothing() {
        poll(P0, 0, 1, 2);
        PartitionWatermark before = watermark.partition(TOPIC, 0);

        watermark.revoked(List.of(P0));
        before.release(0);

        assertThat(watermark.due(Set.of(P0))).isEmpty();
        assertThatThrownBy(() -> watermark.partition(TOPIC, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(watermark.snapshot()).extracting(PartitionWatermark.Snapshot::partition).containsExactly(P1);
    }

    @Test
    void a_partition_assigned_again_gets_a_new_epoch_and_starts_clean() {
        poll(P0, 0, 1, 2);
        PartitionWatermark before = watermark.partition(TOPIC, 0);
        watermark.revoked(List.of(P0));

        watermark.assigned(List.of(P0));
        PartitionWatermark after = watermark.partition(TOPIC, 0);
        before.release(0);

        assertThat(after.epoch()).isNotEqualTo(before.epoch());
        assertThat(after.snapshot()).isEqualTo(new PartitionWatermark.Snapshot(P0, -1, -1, 0));
        assertThat(watermark.due(Set.of(P0))).isEmpty();
    }

    @Test
    void an_assignment_without_a_revocation_first_also_retires_the_old_watermark() {
        poll(P0, 0, 1, 2);
        PartitionWatermark before = watermark.partition(TOPIC, 0);

        watermark.assigned(List.of(P0));
        poll(P0, 0, 1);
        watermark.partition(TOPIC, 0).release(0);

        assertThat(watermark.partition(TOPIC, 0).epoch()).isNotEqualTo(before.epoch());
        assertThat(before.due()).isEmpty();
        assertThat(dueOffset(P0)).isEqualTo(1);
    }

    private void poll(TopicPartition partition, long... offsets) {
        List<ConsumerRecord<Object, Object>> records = LongStream.of(offsets)
                .mapToObj(offset -> new ConsumerRecord<Object, Object>(partition.topic(), partition.partition(),
                        offset, null, new byte[] {1}))
                .toList();
        watermark.hold(new ConsumerRecords<>(Map.of(partition, records), Map.of()));
    }

    private long dueOffset(TopicPartition partition) {
        Map<TopicPartition, OffsetAndMetadata> due = watermark.due(Set.of(partition));
        assertThat(due).as("due offsets").containsOnlyKeys(partition);
        return due.get(partition).offset();
    }
}
