package com.prism.lts.batch;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import com.prism.lts.commit.OpenBatches;
import com.prism.lts.commit.PartitionLedger;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.processor.aggregate.AggregateController;
import org.apache.camel.processor.aggregate.DefaultAggregateController;
import org.apache.camel.support.ExpressionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers records into one {@link ArchiveBatch} per (topic, partition, day, writer schema): the aggregation strategy
 * of the route's aggregator, and the bookkeeping of which batches are open.
 * <p>
 * The aggregator adds the records of a poll to a batch one {@link DaySlice} at a time, and completes it at the flush
 * size ({@link #full()}; {@link DaySlices} cuts slices so that a batch reaches it exactly) and after a quiet period;
 * this class adds the two bounds the aggregator lacks. A batch older than the maximum age is completed by the next
 * slice that joins it, or by a timeout that never runs past that age, so a slow trickle cannot hold a batch, and with
 * it the partition's commit, open for hours. And when too many batches are open, or they hold too many bytes, the
 * oldest is completed early, so that years of history in random order cannot exhaust the heap.
 * <p>
 * A batch that gathers again a file the partition's previous owner cut ends exactly where that file ended, never by
 * time: it is not a candidate for an early flush nor for the flush at a stop ({@link DayBatchRepository}), and a
 * batch of that kind completed short of its end for any other reason than its end being gone is not uploaded. Each
 * finished batch's cut goes to its partition's ledger, to be committed before the batch is uploaded.
 */
public final class DayBatches implements AggregationStrategy, OpenBatches {

    private static final Logger LOG = LoggerFactory.getLogger(DayBatches.class);
    /** A batch cut again where a previous owner cut it is completed by its last record, not by time. */
    private static final long UNTIL_ITS_END = TimeUnit.DAYS.toMillis(365);

    private final ToIntFunction<String> flushSize;
    private final long quietMs;
    private final long maxAgeMs;
    private final int maxOpenBatches;
    private final long maxBufferedBytes;
    private final DefaultAggregateController controller = new DefaultAggregateController();
    private final Map<String, ArchiveBatch> open = new LinkedHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private long openBytes;
    private long openRecords;
    private int mostOpen;
    private long mostOpenBytes;

    /** @param flushSize the records a file of a topic holds at most */
    public DayBatches(ToIntFunction<String> flushSize, long quietMs, long maxAgeMs, int maxOpenBatches,
            long maxBufferedBytes) {
        this.flushSize = flushSize;
        this.quietMs = quietMs;
        this.maxAgeMs = maxAgeMs;
        this.maxOpenBatches = maxOpenBatches;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /** Lets this class complete batches early: the route's aggregator must name it as its controller. */
    public AggregateController controller() {
        return controller;
    }

    /**
     * How many more records the open batch {@code key} of {@code topic} takes; the topic's flush size when none is
     * open. A batch gathering a previous owner's file again takes every record of that file, however many: it must
     * end where that file ends.
     */
    public synchronized int roomIn(String topic, String key) {
        if (ArchiveRecord.isCutAgain(key)) {
            return Integer.MAX_VALUE;
        }
        int size = flushSize.applyAsInt(topic);
        ArchiveBatch batch = open.get(key);
        return batch == null || batch.size() >= size ? size : size - batch.size();
    }

    /**
     * The aggregator's completion predicate: a batch is finished at its topic's flush size (not one that ends at a
     * cut).
     */
    public Predicate full() {
        return batchExchange -> {
            ArchiveBatch batch = batchExchange.getMessage().getBody(ArchiveBatch.class);
            return batch.previousCut() == null && batch.size() >= flushSize.applyAsInt(batch.topic());
        };
    }

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange sliceExchange) {
        DaySlice slice = sliceExchange.getMessage().getBody(DaySlice.class);
        List<ArchiveRecord> records = slice.records();
        long now = System.nanoTime();
        if (batchExchange == null) {
            // The split links each slice to the poll's unit of work, and with it to every record of the poll: the
            // batch must not keep a poll alive until it is uploaded
            sliceExchange.removeProperty(ExchangePropertyKey.STREAM_CACHE_UNIT_OF_WORK);
            ArchiveRecord first = slice.first();
            ArchiveBatch batch = new ArchiveBatch(first, now);
            sliceExchange.getMessage().setBody(batch);
            opened(batch);
            first.ledger().opened(first.offset(), first.previousCut());
            addAll(batch, records.subList(1, records.size()));
            completeAtItsEnd(sliceExchange, batch, slice.last());
            return sliceExchange;
        }
        ArchiveBatch batch = batchExchange.getMessage().getBody(ArchiveBatch.class);
        addAll(batch, records);
        if (batch.previousCut() == null && batch.ageMillis(now) >= maxAgeMs) {
            batchExchange.setProperty(Exchange.AGGREGATION_COMPLETE_CURRENT_GROUP, true);
        }
        completeAtItsEnd(batchExchange, batch, slice.last());
        return batchExchange;
    }

    private void addAll(ArchiveBatch batch, List<ArchiveRecord> records) {
        long bytes = 0;
        for (ArchiveRecord record : records) {
            batch.add(record);
            bytes += record.event().length();
        }
        grew(records.size(), bytes);
    }

    private static void completeAtItsEnd(Exchange batchExchange, ArchiveBatch batch, ArchiveRecord record) {
        if (batch.previousCut() != null && record.offset() == batch.previousCut().end()) {
            batchExchange.setProperty(Exchange.AGGREGATION_COMPLETE_CURRENT_GROUP, true);
        }
    }

    /** {@link #timeoutFor} as the aggregator's completion timeout expression, evaluated for every slice. */
    public Expression timeout() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange sliceExchange) {
                return timeoutFor(sliceExchange);
            }
        };
    }

    /**
     * How long the batch of this slice may stay quiet before it is completed: the quiet period, cut short so that
     * the batch never outlives its maximum age.
     */
    private long timeoutFor(Exchange sliceExchange) {
        String key = sliceExchange.getMessage().getHeader(DaySlices.BATCH_KEY, String.class);
        ArchiveBatch batch;
        synchronized (this) {
            batch = open.get(key);
        }
        if (batch == null) {
            return sliceExchange.getMessage().getBody(DaySlice.class).first().previousCut() == null
                    ? quietMs : UNTIL_ITS_END;
        }
        if (batch.previousCut() != null) {
            return UNTIL_ITS_END;
        }
        return Math.max(1, Math.min(quietMs, maxAgeMs - batch.ageMillis(System.nanoTime())));
    }

    /** Completes the oldest open batches until there is room for the slice being routed. */
    public void makeRoom(Exchange sliceExchange) {
        long incoming = sliceExchange.getMessage().getBody(DaySlice.class).bytes();
        String key = sliceExchange.getMessage().getHeader(DaySlices.BATCH_KEY, String.class);
        while (true) {
            String oldest;
            synchronized (this) {
                boolean full = open.size() >= maxOpenBatches && !open.containsKey(key);
                if (!full && openBytes + incoming <= maxBufferedBytes) {
                    return;
                }
                oldest = oldestCuttable();
                if (oldest == null) {
                    return;
                }
            }
            if (controller.forceCompletionOfGroup(oldest) == 0 && isOpen(oldest)) {
                LOG.warn("Could not complete batch {} early: is dayBatchesController the aggregator's controller?",
                        oldest);
                return;
            }
        }
    }

    /** The oldest open batch that may end early: not one that must end where a previous owner ended it. */
    private String oldestCuttable() {
        for (ArchiveBatch batch : open.values()) {
            if (batch.previousCut() == null) {
                return batch.key();
            }
        }
        return null;
    }

    @Override
    public void onCompletion(Exchange batchExchange) {
        ArchiveBatch batch = batchExchange.getMessage().getBody(ArchiveBatch.class);
        closed(batch);
        PartitionLedger ledger = batch.ledger();
        PartitionLedger.Cut cut = ledger.finished(batch.stream(), batch.firstOffset(), batch.lastOffset(),
                batch.previousCut(), batch.endPassed());
        batch.finished(cut, cut == null ? null : ledger.mayUpload(cut));
        waiting.incrementAndGet();
    }

    private synchronized void closed(ArchiveBatch batch) {
        if (open.remove(batch.key()) != null) {
            openBytes -= batch.bytes();
            openRecords -= batch.size();
        }
    }

    @Override
    public void drop(PartitionLedger partition) {
        List<ArchiveBatch> dropped;
        synchronized (this) {
            dropped = open.values().stream().filter(batch -> batch.ledger() == partition).toList();
        }
        int records = 0;
        for (ArchiveBatch batch : dropped) {
            if (controller.forceDiscardingOfGroup(batch.key()) > 0) {
                closed(batch);
                records += batch.size();
            }
        }
        if (records > 0) {
            LOG.info("Dropped {} open batches ({} records) of {}: its new owner reads them again", dropped.size(),
                    records, partition);
        }
    }

    @Override
    public void finish(Collection<PartitionLedger.Cut> cuts) {
        List<ArchiveBatch> passed;
        synchronized (this) {
            passed = open.values().stream().filter(batch -> cuts.contains(batch.previousCut())).toList();
        }
        for (ArchiveBatch batch : passed) {
            LOG.info("{} ends before offset {}, where its previous owner ended it: the records between are no longer"
                    + " in the partition", batch, batch.previousCut().end());
            batch.passEnd();
            controller.forceCompletionOfGroup(batch.key());
        }
    }

    /** A finished batch is uploaded, or will not be (see {@link ArchiveBatch#cut()}): it no longer waits. */
    public void noLongerWaiting() {
        waiting.decrementAndGet();
    }

    private synchronized boolean isOpen(String key) {
        return open.containsKey(key);
    }

    private synchronized void opened(ArchiveBatch batch) {
        open.put(batch.key(), batch);
        mostOpen = Math.max(mostOpen, open.size());
        grew(1, batch.bytes());
    }

    private synchronized void grew(int records, long bytes) {
        openRecords += records;
        openBytes += bytes;
        mostOpenBytes = Math.max(mostOpenBytes, openBytes);
    }

    @Override
    public int waitingUploads() {
        return waiting.get();
    }

    public synchronized int openBatches() {
        return open.size();
    }

    public synchronized long openBytes() {
        return openBytes;
    }

    /** How many records wait in open batches. */
    public synchronized long openRecords() {
        return openRecords;
    }

    /** The most batches that were ever open at once. */
    public synchronized int mostOpenBatches() {
        return mostOpen;
    }

    /** The most bytes that open batches ever held at once. */
    public synchronized long mostOpenBytes() {
        return mostOpenBytes;
    }

    /** The age of the oldest open batch, 0 when none is open. */
    public long oldestAgeMillis() {
        ArchiveBatch oldest;
        synchronized (this) {
            Iterator<ArchiveBatch> batches = open.values().iterator();
            oldest = batches.hasNext() ? batches.next() : null;
        }
        return oldest == null ? 0 : oldest.ageMillis(System.nanoTime());
    }
}
