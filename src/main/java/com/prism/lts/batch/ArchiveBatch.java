package com.prism.lts.batch;

import java.time.LocalDate;
import java.util.Arrays;

import com.prism.lts.commit.PartitionWatermark;
import org.apache.avro.Schema;

/**
 * The records of one (topic, partition, day, writer schema) waiting to be written as one archive file.
 * <p>
 * Only what the file needs is kept: each event's encoded bytes, offset and timestamp. Records arrive in offset order,
 * so the first offset is the batch's lowest, and the one the commit watermark holds back for it.
 */
public final class ArchiveBatch {

    private final String key;
    private final String topic;
    private final int partition;
    private final LocalDate day;
    private final String schemaId;
    private final Schema schema;
    private final PartitionWatermark watermark;
    private final long openedAtNanos;

    private long[] offsets = new long[16];
    private long[] timestamps = new long[16];
    private byte[][] data = new byte[16][];
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private int size;
    private long bytes;

    public ArchiveBatch(ArchiveRecord first, long openedAtNanos) {
        this.key = first.batchKey();
        this.topic = first.topic();
        this.partition = first.partition();
        this.day = first.day();
        this.schemaId = first.event().schemaId();
        this.schema = first.event().writerSchema();
        this.watermark = first.watermark();
        this.openedAtNanos = openedAtNanos;
        add(first);
    }

    void add(ArchiveRecord record) {
        if (size == offsets.length) {
            int capacity = size * 2;
            offsets = Arrays.copyOf(offsets, capacity);
            timestamps = Arrays.copyOf(timestamps, capacity);
            data = Arrays.copyOf(data, capacity);
            starts = Arrays.copyOf(starts, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
        }
        offsets[size] = record.offset();
        timestamps[size] = record.timestamp();
        data[size] = record.event().datum();
        starts[size] = record.event().offset();
        lengths[size] = record.event().length();
        bytes += record.event().length();
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

    public PartitionWatermark watermark() {
        return watermark;
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
