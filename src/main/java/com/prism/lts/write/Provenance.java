package com.prism.lts.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Where the records of an archive file came from, kept in the file's own Avro header metadata so that an audit can
 * prove from the files alone which offsets they hold. docs/file-format.md specifies every entry.
 * <p>
 * {@code prism.topic}, {@code prism.partition}, {@code prism.schema.id} and {@code prism.format.version} are UTF-8
 * text. {@code prism.offsets} and {@code prism.timestamps} hold one value per record, in the order of the records: the
 * first value, then each value minus the one before it, each as an Avro {@code long} (zig-zag varint), so any Avro
 * library can read them back. Files of version 1 have no {@code prism.format.version}, and none of the
 * {@link KafkaFields} that version 2 added.
 *
 * @param schemaId      the writer schema's id shared by all records of the file: a schema registry id (decimal), or
 *                      {@code fp-} and a fingerprint for values read by another {@code prism.decoder}; null in a file
 *                      that lacks it (every file Prism LTS wrote has it)
 * @param formatVersion 1 for files written before the format had a version, otherwise the one it names
 * @param topicId       the Kafka topic id ({@code Uuid}, as Kafka prints it) of the topic incarnation the records were
 *                      read from: a topic deleted and created again under the same name has another one; null in
 *                      files of versions 1 and 2
 */
public record Provenance(String topic, int partition, long[] offsets, long[] timestamps, String schemaId,
        int formatVersion, String topicId) {

    /** The format this version of Prism LTS writes. */
    public static final int FORMAT = 3;

    public static final String FORMAT_VERSION = "prism.format.version";
    public static final String TOPIC = "prism.topic";
    public static final String PARTITION = "prism.partition";
    public static final String OFFSETS = "prism.offsets";
    public static final String TIMESTAMPS = "prism.timestamps";
    public static final String SCHEMA_ID = "prism.schema.id";
    /** Since version 3. */
    public static final String TOPIC_ID = "prism.topic.id";

    /** Encodes the first {@code count} values as a first value and deltas, each an Avro long. */
    public static byte[] encode(long[] values, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(count * 2 + 10);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            long previous = 0;
            for (int i = 0; i < count; i++) {
                encoder.writeLong(values[i] - previous);
                previous = values[i];
            }
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decodes the values written by {@link #encode}. */
    public static long[] decode(byte[] bytes) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        long[] values = new long[Math.max(16, bytes.length)];
        int count = 0;
        try {
            long previous = 0;
            while (!decoder.isEnd()) {
                previous += decoder.readLong();
                values[count++] = previous;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the values end in the middle of a number", e);
        }
        return Arrays.copyOf(values, count);
    }

    /** Reads the provenance of an archive file from its header. */
    public static Provenance of(DataFileStream<?> file) {
        String topic = file.getMetaString(TOPIC);
        String partition = file.getMetaString(PARTITION);
        byte[] offsets = file.getMeta(OFFSETS);
        byte[] timestamps = file.getMeta(TIMESTAMPS);
        String schemaId = file.getMetaString(SCHEMA_ID);
        if (topic == null || partition == null || offsets == null || timestamps == null) {
            throw new IllegalArgumentException("the file carries no Prism LTS provenance");
        }
        String version = file.getMetaString(FORMAT_VERSION);
        return new Provenance(topic, Integer.parseInt(partition), decode(offsets), decode(timestamps), schemaId,
                version == null ? 1 : Integer.parseInt(version), file.getMetaString(TOPIC_ID));
    }
}
