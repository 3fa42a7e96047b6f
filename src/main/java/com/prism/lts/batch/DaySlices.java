package com.prism.lts.batch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.prism.lts.commit.Poll;
import com.prism.lts.day.ChooseDay;
import com.prism.lts.deadletter.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.ExpressionAdapter;

/**
 * The route's split of a poll into day batches: the records still on their way, grouped by the batch each belongs to
 * (topic, partition, day, writer schema), in offset order, as one message per group. A group longer than the room
 * left in its open batch is cut there, so that no file holds more than the flush size: the slice that fills a batch
 * completes it, and the next slice opens the following one. Only the consumer's thread adds to its partitions'
 * batches, so the room a slice is measured against can only grow before the slice joins its batch (when the batch is
 * completed by time meanwhile).
 * <p>
 * Each slice's headers name its batch ({@code PrismBatchKey}), which the aggregator correlates on, its day
 * ({@code PrismDay}) and the Kafka coordinates of its first record ({@code kafka.TOPIC}, {@code kafka.PARTITION},
 * {@code kafka.OFFSET}); the slice that opens a batch gives it these headers, from which its file's key is made.
 */
public final class DaySlices extends ExpressionAdapter {

    /** Header with the key of the batch a slice belongs to. */
    public static final String BATCH_KEY = "PrismBatchKey";

    private final DayBatches batches;

    public DaySlices(DayBatches batches) {
        this.batches = batches;
    }

    @Override
    public Object evaluate(Exchange poll) {
        Map<String, List<ArchiveRecord>> byBatch = new LinkedHashMap<>();
        for (Exchange record : Poll.records(poll)) {
            if (!record.isRouteStop() && !DeadLetters.isRejected(record)) {
                ArchiveRecord archived = record.getMessage().getBody(ArchiveRecord.class);
                byBatch.computeIfAbsent(archived.batchKey(), key -> new ArrayList<>()).add(archived);
            }
        }
        return new Slices(poll, byBatch.entrySet().iterator());
    }

    /**
     * The slices one by one, each measured against its batch only when the split asks for it ({@code streaming}):
     * by then the slice before may have filled the batch, or the batch may have been completed by time.
     */
    private final class Slices implements Iterator<Message> {
        private final Exchange poll;
        private final Iterator<Map.Entry<String, List<ArchiveRecord>>> groups;
        private String key;
        private List<ArchiveRecord> left = List.of();

        Slices(Exchange poll, Iterator<Map.Entry<String, List<ArchiveRecord>>> groups) {
            this.poll = poll;
            this.groups = groups;
        }

        @Override
        public boolean hasNext() {
            return !left.isEmpty() || groups.hasNext();
        }

        @Override
        public Message next() {
            if (left.isEmpty()) {
                Map.Entry<String, List<ArchiveRecord>> group = groups.next();
                key = group.getKey();
                left = group.getValue();
            }
            int size = Math.min(left.size(), batches.roomIn(left.get(0).topic(), key));
            DaySlice slice = new DaySlice(key, left.subList(0, size));
            left = left.subList(size, left.size());
            return message(poll, slice);
        }
    }

    private static Message message(Exchange poll, DaySlice slice) {
        ArchiveRecord first = slice.first();
        Message message = new DefaultMessage(poll.getContext());
        message.setBody(slice);
        message.setHeader(BATCH_KEY, slice.batchKey());
        message.setHeader(ChooseDay.DAY_HEADER, first.day().toString());
        message.setHeader(KafkaConstants.TOPIC, first.topic());
        message.setHeader(KafkaConstants.PARTITION, first.partition());
        // a batch gathering a previous owner's file again is written under that file's key, even if its first record
        // is gone (compacted away)
        message.setHeader(KafkaConstants.OFFSET, first.previousCut() == null ? first.offset()
                : first.previousCut().first());
        return message;
    }
}
