package com.prism.lts.batch;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.processor.aggregate.AggregateController;
import org.apache.camel.processor.aggregate.DefaultAggregateController;
import org.apache.camel.support.ExpressionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers records into one {@link ArchiveBatch} per (topic, partition, day, writer schema): the aggregation strategy
 * of the route's aggregator, and the bookkeeping of which batches are open.
 * <p>
 * The aggregator completes a batch at the flush size and after a quiet period; this class adds the two bounds the
 * aggregator lacks. A batch older than the maximum age is completed by the next record that joins it, or by a timeout
 * that never runs past that age, so a slow trickle cannot hold a batch, and with it the partition's commit, open for
 * hours. And when too many batches are open, or they hold too many bytes, the oldest is completed early, so that years
 * of history in random order cannot exhaust the heap.
 */
public final class DayBatches implements AggregationStrategy {

    /** Exchange property with the batch key of the record being routed; the aggregator correlates on it. */
    public static final String BATCH_KEY = "PrismBatchKey";

    private static final Logger LOG = LoggerFactory.getLogger(DayBatches.class);

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

    public DayBatches(long quietMs, long maxAgeMs, int maxOpenBatches, long maxBufferedBytes) {
        this.quietMs = quietMs;
        this.maxAgeMs = maxAgeMs;
        this.maxOpenBatches = maxOpenBatches;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /** Lets this class complete batches early: the route's aggregator must name it as its controller. */
    public AggregateController controller() {
        return controller;
    }

    /** Marks the record's batch for the aggregator to correlate on. */
    public static void assign(Exchange exchange, ArchiveRecord record) {
        exchange.setProperty(BATCH_KEY, record.batchKey());
    }

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange recordExchange) {
        ArchiveRecord record = recordExchange.getMessage().getBody(ArchiveRecord.class);
        long now = System.nanoTime();
        if (batchExchange == null) {
            ArchiveBatch batch = new ArchiveBatch(record, now);
            recordExchange.getMessage().setBody(batch);
            opened(batch);
            return recordExchange;
        }
        ArchiveBatch batch = batchExchange.getMessage().getBody(ArchiveBatch.class);
        batch.add(record);
        record.watermark().release(record.offset());
        grew(record.event().length());
        if (batch.ageMillis(now) >= maxAgeMs) {
            batchExchange.setProperty(Exchange.AGGREGATION_COMPLETE_CURRENT_GROUP, true);
        }
        return batchExchange;
    }

    /**
     * {@link #timeoutFor} as the aggregator's completion timeout expression. It is evaluated for every record: as an
     * expression it costs a method call, where a {@code method:} call costs a bean invocation with parameter binding.
     */
    public Expression timeout() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange recordExchange) {
                return timeoutFor(recordExchange);
            }
        };
    }

    /**
     * How long the batch of this record may stay quiet before it is completed: the quiet period, cut short so that
     * the batch never outlives its maximum age.
     */
    private long timeoutFor(Exchange recordExchange) {
        String key = recordExchange.getProperty(BATCH_KEY, String.class);
        ArchiveBatch batch;
        synchronized (this) {
            batch = open.get(key);
        }
        if (batch == null) {
            return quietMs;
        }
        return Math.max(1, Math.min(quietMs, maxAgeMs - batch.ageMillis(System.nanoTime())));
    }

    /** Completes the oldest open batches until there is room for the record being routed. */
    public void makeRoom(Exchange recordExchange) {
        int incoming = recordExchange.getMessage().getBody(ArchiveRecord.class).event().length();
        String key = recordExchange.getProperty(BATCH_KEY, String.class);
        while (true) {
            String oldest;
            synchronized (this) {
                boolean full = open.size() >= maxOpenBatches && !open.containsKey(key);
                if (!full && openBytes + incoming <= maxBufferedBytes) {
                    return;
                }
                Iterator<String> keys = open.keySet().iterator();
                if (!keys.hasNext()) {
                    return;
                }
                oldest = keys.next();
            }
            if (controller.forceCompletionOfGroup(oldest) == 0 && isOpen(oldest)) {
                LOG.warn("Could not complete batch {} early: is dayBatchesController the aggregator's controller?",
                        oldest);
                return;
            }
        }
    }

    @Override
    public void onCompletion(Exchange batchExchange) {
        ArchiveBatch batch = batchExchange.getMessage().getBody(ArchiveBatch.class);
        synchronized (this) {
            if (open.remove(batch.key()) != null) {
                openBytes -= batch.bytes();
                openRecords -= batch.size();
            }
        }
        waiting.incrementAndGet();
    }

    /** A finished batch is uploaded: it no longer waits. */
    public void uploaded() {
        waiting.decrementAndGet();
    }

    private synchronized boolean isOpen(String key) {
        return open.containsKey(key);
    }

    private synchronized void opened(ArchiveBatch batch) {
        open.put(batch.key(), batch);
        mostOpen = Math.max(mostOpen, open.size());
        grew(batch.bytes());
    }

    private synchronized void grew(long bytes) {
        openRecords++;
        openBytes += bytes;
        mostOpenBytes = Math.max(mostOpenBytes, openBytes);
    }

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
