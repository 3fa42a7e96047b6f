package com.prism.lts.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.batch.TestBatches;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.TestLedgers;
import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.Backoff;
import com.prism.lts.day.MetricDate;
import com.prism.lts.day.MetricDates;
import com.prism.lts.decode.ConfluentAvroDecoder;
import com.prism.lts.decode.DecodedEvent;
import com.prism.lts.decode.DirectorySchemaSource;
import com.prism.lts.upload.S3Clients;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The hand-written limit: the archiver's job in plain Java, without Camel. One consumer thread decodes each record
 * with Prism's own decoder, dates it, and batches it per (partition, day, schema) at the same flush size, quiet period
 * and maximum age; finished batches are written with Prism's own file writer and uploaded with the AWS SDK by as many
 * threads as {@code prism.upload.concurrency}; the consumer thread commits each partition's low watermark. What is
 * left between it and Prism LTS is what Camel costs.
 * <p>
 * Deliberately bare: no dead-letter topic (the benchmark's data has no bad records: one fails the run), no
 * rebalances (its group has one member), no bound on open batches beyond the flush size. Runs until it is stopped.
 */
public final class HandWrittenArchiver {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final long EXPIRY_CHECK_NANOS = 200_000_000;

    private final ArchiveSettings settings;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final MetricDate metricDate;
    private final ConfluentAvroDecoder decoder;
    private final AvroBatchWriter writer;
    private final S3Client s3;
    private final ExecutorService uploads;
    private final Semaphore waiting;
    private final Map<String, OpenBatch> open = new LinkedHashMap<>();
    private final Map<TopicPartition, Holds> holds = new HashMap<>();

    /** The records of one file to be, and when it opened and last grew. */
    private static final class OpenBatch {
        final List<ArchiveRecord> records = new ArrayList<>();
        final long openedNanos;
        long lastNanos;

        OpenBatch(long now) {
            openedNanos = now;
        }
    }

    /**
     * A partition's low watermark: the first offsets of its batches not yet in S3, and one past the last record read.
     * Upload threads release; only the consumer thread adds, reads and commits.
     */
    private static final class Holds {
        final PartitionLedger epoch;
        final ConcurrentSkipListSet<Long> firstOffsets = new ConcurrentSkipListSet<>();
        long next = -1;
        long committed = -1;

        Holds(PartitionLedger epoch) {
            this.epoch = epoch;
        }

        long safe() {
            Long lowest = firstOffsets.ceiling(Long.MIN_VALUE);
            return lowest == null ? next : lowest;
        }
    }

    private HandWrittenArchiver(ArchiveSettings settings) {
        this.settings = settings;
        this.consumer = new KafkaConsumer<>(BaselineSettings.consumer(settings));
        this.metricDate = new MetricDate(settings.metricDateField(), settings.metricDateZone());
        this.decoder = new ConfluentAvroDecoder(new DirectorySchemaSource(settings.schemaDirectory().orElseThrow()),
                MetricDates.same(metricDate));
        this.writer = new AvroBatchWriter(settings.codec());
        this.s3 = S3Clients.create(settings);
        this.uploads = Executors.newFixedThreadPool(settings.uploadConcurrency());
        this.waiting = new Semaphore(settings.maxWaitingUploads());
    }

    public static void main(String[] args) throws Exception {
        new HandWrittenArchiver(BaselineSettings.read()).run();
    }

    private void run() throws Exception {
        consumer.subscribe(settings.topics());
        long commitIntervalNanos = settings.commitIntervalMs() * 1_000_000;
        long nextCommit = System.nanoTime();
        long nextExpiryCheck = System.nanoTime();
        while (true) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                add(record);
            }
            long now = System.nanoTime();
            if (now - nextExpiryCheck >= 0) {
                flushExpired(now);
                nextExpiryCheck = now + EXPIRY_CHECK_NANOS;
            }
            if (now - nextCommit >= 0) {
                commit();
                nextCommit = now + commitIntervalNanos;
            }
        }
    }

    private void add(ConsumerRecord<byte[], byte[]> kafkaRecord) throws Exception {
        Holds partition = holds.computeIfAbsent(new TopicPartition(kafkaRecord.topic(), kafkaRecord.partition()),
                p -> new Holds(TestLedgers.assigned(p.topic(), p.partition())));
        DecodedEvent event = decoder.decode(kafkaRecord.topic(), kafkaRecord.value());
        LocalDate day = metricDate.dayOf(event.fields());
        ArchiveRecord record = new ArchiveRecord(kafkaRecord, day, event, partition.epoch, null);
        long now = System.nanoTime();
        String key = record.batchKey();
        OpenBatch batch = open.get(key);
        if (batch == null) {
            batch = new OpenBatch(now);
            open.put(key, batch);
            partition.firstOffsets.add(record.offset());
        }
        partition.next = record.offset() + 1;
        batch.records.add(record);
        batch.lastNanos = now;
        if (batch.records.size() >= settings.flushSize()
                || now - batch.openedNanos >= settings.maxAgeMs() * 1_000_000) {
            open.remove(key);
            upload(batch, partition);
        }
    }

    private void flushExpired(long now) throws InterruptedException {
        Iterator<OpenBatch> batches = open.values().iterator();
        while (batches.hasNext()) {
            OpenBatch batch = batches.next();
            if (now - batch.lastNanos >= settings.quietMs() * 1_000_000
                    || now - batch.openedNanos >= settings.maxAgeMs() * 1_000_000) {
                batches.remove();
                ArchiveRecord first = batch.records.get(0);
                upload(batch, holds.get(new TopicPartition(first.topic(), first.partition())));
            }
        }
    }

    /** Hands the batch to an upload thread; waits while too many wait for S3, as Prism pauses its fetches. */
    private void upload(OpenBatch open, Holds partition) throws InterruptedException {
        waiting.acquire();
        uploads.execute(() -> {
            try {
                ArchiveBatch batch = TestBatches.of(open.records);
                ArchiveKey key = ArchiveKey.of(settings.prefix(), batch.topic(), batch.day(), batch.partition(),
                        batch.firstOffset());
                byte[] file = writer.write(batch, key);
                PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(settings.bucket())
                        .key(key.toString()).contentType(AvroBatchWriter.CONTENT_TYPE)
                        .contentLength((long) file.length).metadata(AvroBatchWriter.objectMetadata(batch));
                if (settings.conditionalWrites()) {
                    put.ifNoneMatch("*");
                }
                putWithRetries(put.build(), file);
                partition.firstOffsets.remove(batch.firstOffset());
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            } finally {
                waiting.release();
            }
        });
    }

    private void putWithRetries(PutObjectRequest put, byte[] file) throws InterruptedException {
        Backoff.Delays delays = settings.retry().delays();
        while (true) {
            try {
                s3.putObject(put, RequestBody.fromBytes(file));
                return;
            } catch (SdkException e) {
                long delay = delays.next();
                System.err.println("Upload of " + put.key() + " failed, retrying in " + delay + " ms: " + e);
                Thread.sleep(delay);
            }
        }
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        holds.forEach((partition, held) -> {
            long safe = held.safe();
            if (safe > held.committed) {
                due.put(partition, new OffsetAndMetadata(safe));
            }
        });
        if (!due.isEmpty()) {
            consumer.commitSync(due);
            due.forEach((partition, offset) -> holds.get(partition).committed = offset.offset());
        }
    }
}
