package com.prism.lts.batch;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.IntPredicate;

import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.StreamKey;
import org.apache.avro.Schema;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;

/**
 * The records of one (topic, partition, day, writer schema) waiting to be written as one archive file.
 * <p>
 * Only what the file needs is kept, in arrays rather than an object per record: each event's encoded bytes, and the
 * Kafka record's offset, timestamp and its type, key bytes and headers (references to what the consumer delivered,
 * not copies). Records arrive in offset order, so the first offset is the batch's lowest, and the one the partition's
 * ledger holds back for it.
 */
public final class ArchiveBatch {

    private final String key;
    private final String topic;
    private final int partition;
    private final LocalDate day;
    private final String schemaId;
    private final Schema schema;
    private final PartitionLedger ledger;
    private final Uuid topicId;
    private final PartitionLedger.Cut previousCut;
    private final long openedAtNanos;
    /**
     * Small: with many streams open at once most batches hold a record or two (1,000 partitions x 90 days: 90,000
     * batches of 3 records), and room for 16 cost about 500 bytes a batch, 45 MB of a 512 MB heap; a batch that
     * fills up doubles its arrays a few times more.
     */
    private static final int INITIAL_CAPACITY = 4;

    private PartitionLedger.Cut cut;
    private CompletionStage<Boolean> mayUpload;
    private volatile boolean endPassed;

    private long[] offsets = new long[INITIAL_CAPACITY];
    private long[] timestamps = new long[INITIAL_CAPACITY];
    private TimestampType[] timestampTypes = new TimestampType[INITIAL_CAPACITY];
    private byte[][] keys = new byte[INITIAL_CAPACITY][];
    private Headers[] headers = new Headers[INITIAL_CAPACITY];
    private byte[][] data = new byte[INITIAL_CAPACITY][];
    private int[] starts = new int[INITIAL_CAPACITY];
    private int[] lengths = new int[INITIAL_CAPACITY];
    private int size;
    private long bytes;

    public ArchiveBatch(ArchiveRecord first, long openedAtNanos) {
        this.key = first.batchKey();
        this.topic = first.topic();
        this.partition = first.partition();
        this.day = first.day();
        this.schemaId = first.event().schemaId();
        this.schema = first.event().writerSchema();
        this.ledger = first.ledger();
        this.topicId = ledger.topicId();
        this.previousCut = first.previousCut();
        this.openedAtNanos = openedAtNanos;
        add(first);
    }

    private ArchiveBatch(ArchiveBatch source) {
        this.key = source.key;
        this.topic = source.topic;
        this.partition = source.partition;
        this.day = source.day;
        this.schemaId = source.schemaId;
        this.schema = source.schema;
        this.ledger = source.ledger;
        this.topicId = source.topicId;
        this.previousCut = source.previousCut;
        this.openedAtNanos = source.openedAtNanos;
        this.cut = source.cut;
        this.mayUpload = source.mayUpload;
    }

    /** The same batch with only the records whose index {@code keep} accepts; empty if it accepts none. */
    public Optional<ArchiveBatch> subset(IntPredicate keep) {
        ArchiveBatch subset = new ArchiveBatch(this);
        for (int i = 0; i < size; i++) {
            if (keep.test(i)) {
                subset.add(offsets[i], timestamps[i], timestampTypes[i], keys[i], headers[i], data[i], starts[i],
                        lengths[i]);
            }
        }
        return subset.size == 0 ? Optional.empty() : Optional.of(subset);
    }

    /** Adds the next record of the batch's stream, in offset order. */
    public void add(ArchiveRecord record) {
        add(record.offset(), record.timestamp(), record.kafka().timestampType(), record.key(),
                record.kafka().headers(), record.event().datum(), record.event().offset(), record.event().length());
    }

    private void add(long offset, long timestamp, TimestampType timestampType, byte[] key, Headers recordHeaders,
            byte[] datum, int start, int length) {
        if (size == offsets.length) {
            int capacity = size * 2;
            offsets = Arrays.copyOf(offsets, capacity);
            timestamps = Arrays.copyOf(timestamps, capacity);
            timestampTypes = Arrays.copyOf(timestampTypes, capacity);
            keys = Arrays.copyOf(keys, capacity);
            headers = Arrays.copyOf(headers, capacity);
            data = Arrays.copyOf(data, capacity);
            starts = Arrays.copyOf(starts, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
        }
        offsets[size] = offset;
        timestamps[size] = timestamp;
        timestampTypes[size] = timestampType;
        keys[size] = key;
        headers[size] = recordHeaders;
        data[size] = datum;
        starts[size] = start;
        lengths[size] = length;
        bytes += length;
        size++;
    }

    public String key() {
        return key;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public LocalDate day() {
        return day;
    }

    public String schemaId() {
        return schemaId;
    }

    public Schema schema() {
        return schema;
    }

    public PartitionLedger ledger() {
        return ledger;
    }

    /** The id of the topic incarnation its records were read from, null if it is not known. */
    public Uuid topicId() {
        return topicId;
    }

    /**
     * The offset its file's key names: its first record's, or for a batch gathering a previous owner's file again, the
     * first offset of that file (the same, unless that record is gone).
     */
    public long keyOffset() {
        return previousCut == null ? firstOffset() : previousCut.first();
    }

    public StreamKey stream() {
        return new StreamKey(day, schemaId);
    }

    /** Where the partition's previous owner ended this file, if it did: it must end there again. */
    public PartitionLedger.Cut previousCut() {
        return previousCut;
    }

    /** Its partition was read past the end its previous owner gave it: it ends with the records it has. */
    void passEnd() {
        endPassed = true;
    }

    boolean endPassed() {
        return endPassed;
    }

    /** The batch is finished: {@code cut} records where it ends, and it may be written once {@code mayUpload} says. */
    void finished(PartitionLedger.Cut cut, CompletionStage<Boolean> mayUpload) {
        this.cut = cut;
        this.mayUpload = mayUpload;
    }

    /**
     * Where the finished batch ends, in its partition's ledger; null for a batch left for its partition's next owner,
     * which must not be uploaded.
     */
    public PartitionLedger.Cut cut() {
        return cut;
    }

    /** Whether the finished batch may be written, once known ({@link PartitionLedger#mayUpload}); null without a cut. */
    public CompletionStage<Boolean> mayUpload() {
        return mayUpload;
    }

    public int size() {
        return size;
    }

    /** The encoded size of the events held, which is what memory bounds count. */
    public long bytes() {
        return bytes;
    }

    public long firstOffset() {
        return offsets[0];
    }

    public long lastOffset() {
        return offsets[size - 1];
    }

    public long offset(int i) {
        return offsets[i];
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public TimestampType timestampType(int i) {
        return timestampTypes[i];
    }

    /** The key bytes of record {@code i}, null if it has no key. */
    public byte[] key(int i) {
        return keys[i];
    }

    /** The headers of record {@code i}, in their order, duplicates included. */
    public Headers headers(int i) {
        return headers[i];
    }

    public byte[] data(int i) {
        return data[i];
    }

    public int start(int i) {
        return starts[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public long ageMillis(long nowNanos) {
        return (nowNanos - openedAtNanos) / 1_000_000;
    }

    @Override
    public String toString() {
        return size + " records of " + topic + "-" + partition + " for " + day + " (offsets " + firstOffset() + ".."
                + lastOffset() + ")";
    }
}
