package com.prism.lts.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.Poll;
import com.prism.lts.commit.TestLedgers;
import com.prism.lts.day.ChooseDay;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * How the records of a poll reach the aggregator: one slice per batch, in offset order, and never more records than
 * the batch has room for, so that every file holds at most the flush size and is filled to it. The aggregator's part
 * is played here by {@link DayBatches} itself, as the route's aggregator calls it.
 */
class DaySlicesTest {

    private static final int FLUSH_SIZE = 250;
    private static final LocalDate JAN_4 = LocalDate.of(2018, 1, 4);
    private static final LocalDate JAN_5 = LocalDate.of(2018, 1, 5);

    private final CamelContext camel = new DefaultCamelContext();
    private final PartitionLedger ledger = TestLedgers.assigned("ac-user-event", 0);
    private final DayBatches batches = new DayBatches(topic -> topic.equals("ac-orders") ? 100 : FLUSH_SIZE, 30_000,
            3_600_000, 1000, Long.MAX_VALUE);
    private final DaySlices slices = new DaySlices(batches);
    private final List<Exchange> openBatches = new ArrayList<>();
    private long nextOffset;

    @Test
    void the_records_of_a_poll_go_to_their_days_batches_in_offset_order() {
        Exchange poll = poll(JAN_4, JAN_5, JAN_4, JAN_5, JAN_5);

        List<Message> split = all(poll);

        assertThat(split).extracting(slice -> slice.getHeader(ChooseDay.DAY_HEADER))
                .containsExactly("2018-01-04", "2018-01-05");
        assertThat(split).extracting(slice -> offsets(slice.getBody(DaySlice.class)))
                .containsExactly(List.of(0L, 2L), List.of(1L, 3L, 4L));
        assertThat(split.get(1).getHeaders()).containsEntry("kafka.OFFSET", 1L).containsEntry("kafka.PARTITION", 0)
                .containsEntry("kafka.TOPIC", "ac-user-event");
    }

    @Test
    void a_day_of_more_records_than_the_flush_size_is_sliced_at_the_flush_size() {
        Exchange poll = poll(days(JAN_4, 600));

        assertThat(aggregateAll(poll)).containsExactly(250, 250, 100);
    }

    @Test
    void a_topic_with_a_flush_size_of_its_own_is_sliced_at_it() {
        Exchange poll = poll("ac-orders", TestLedgers.assigned("ac-orders", 0), days(JAN_4, 250));

        assertThat(aggregateAll(poll)).containsExactly(100, 100, 50);
        assertThat(openBatches).extracting(batch -> batch.getMessage().getBody(ArchiveBatch.class).size())
                .containsExactly(100, 100, 50);
    }

    @Test
    void an_open_batch_takes_only_as_many_records_as_it_has_room_for_and_the_rest_open_the_next() {
        aggregateAll(poll(days(JAN_4, 240)));

        assertThat(aggregateAll(poll(days(JAN_4, 300)))).containsExactly(10, 250, 40);
        assertThat(openBatches).extracting(batch -> batch.getMessage().getBody(ArchiveBatch.class).size())
                .containsExactly(250, 250, 40);
    }

    @Test
    void no_batch_passes_the_flush_size_when_one_is_finished_by_time_while_a_poll_is_being_sliced() {
        aggregateAll(poll(days(JAN_4, 240)));
        Iterator<?> split = (Iterator<?>) slices.evaluate(poll(days(JAN_4, 300)), Object.class);

        Message first = (Message) split.next();
        assertThat(first.getBody(DaySlice.class).records().size()).as("the room left in the open batch").isEqualTo(10);
        batches.onCompletion(openBatches.remove(0));
        aggregate(slice(first));
        List<Integer> rest = new ArrayList<>();
        split.forEachRemaining(part -> {
            rest.add(((Message) part).getBody(DaySlice.class).records().size());
            aggregate(slice((Message) part));
        });

        assertThat(rest).containsExactly(240, 50);
        assertThat(openBatches).extracting(batch -> batch.getMessage().getBody(ArchiveBatch.class).size())
                .containsExactly(250, 50);
    }

    @Test
    void records_set_aside_on_the_way_are_in_no_slice() {
        Exchange poll = poll(JAN_4, JAN_4, JAN_4);
        List<Exchange> records = Poll.records(poll);
        records.get(0).setRouteStop(true);
        DeadLetters.reject(records.get(2), new RecordRejectedException(RejectReason.UNREADABLE_METRIC_DATE, "no date"));

        assertThat(all(poll)).extracting(slice -> offsets(slice.getBody(DaySlice.class)))
                .containsExactly(List.of(1L));
    }

    /** Splits the poll as the route's split does, each slice aggregated before the next is asked for. */
    private List<Integer> aggregateAll(Exchange poll) {
        List<Integer> sizes = new ArrayList<>();
        Iterator<?> split = (Iterator<?>) slices.evaluate(poll, Object.class);
        while (split.hasNext()) {
            Message message = (Message) split.next();
            sizes.add(message.getBody(DaySlice.class).records().size());
            aggregate(slice(message));
        }
        return sizes;
    }

    private Exchange slice(Message message) {
        Exchange slice = new DefaultExchange(camel);
        slice.setIn(message);
        return slice;
    }

    /** What the aggregator does with a slice: adds it to its batch, which is finished once full. */
    private void aggregate(Exchange slice) {
        Exchange open = openBatches.isEmpty() ? null : openBatches.get(openBatches.size() - 1);
        if (open != null && batches.full().matches(open)) {
            open = null;
        }
        Exchange batch = batches.aggregate(open, slice);
        if (open == null) {
            openBatches.add(batch);
        }
        if (batches.full().matches(batch)) {
            batches.onCompletion(batch);
        }
    }

    private List<Message> all(Exchange poll) {
        List<Message> split = new ArrayList<>();
        ((Iterator<?>) slices.evaluate(poll, Object.class)).forEachRemaining(part -> split.add((Message) part));
        return split;
    }

    private static List<LocalDate> days(LocalDate day, int count) {
        return Collections.nCopies(count, day);
    }

    private Exchange poll(LocalDate... days) {
        return poll(List.of(days));
    }

    private Exchange poll(List<LocalDate> days) {
        return poll("ac-user-event", ledger, days);
    }

    /** A poll of one record of {@code topic} per day given, in offset order, each as chooseDay leaves it. */
    private Exchange poll(String topic, PartitionLedger ledger, List<LocalDate> days) {
        DemoEvents demo = new DemoEvents(JAN_4, 1, 1);
        List<Exchange> records = new ArrayList<>();
        for (LocalDate day : days) {
            long offset = nextOffset++;
            Exchange record = new DefaultExchange(camel);
            record.getMessage().setBody(new ArchiveRecord(Events.polled(topic, 0, offset, 0), day,
                    Events.decoded(Events.DEMO_SCHEMA_ID, demo.event(offset)), ledger, null));
            records.add(record);
        }
        Exchange poll = new DefaultExchange(camel);
        poll.getMessage().setBody(records);
        return poll;
    }

    private static List<Long> offsets(DaySlice slice) {
        return slice.records().stream().map(ArchiveRecord::offset).toList();
    }
}
