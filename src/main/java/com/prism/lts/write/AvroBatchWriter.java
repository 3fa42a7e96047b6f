package com.prism.lts.write;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.prism.lts.batch.ArchiveBatch;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;

/**
 * Writes a batch as an Avro object container file: the one place that does, for the route's {@code marshal}
 * ({@link AvroFileFormat}) and for the files a taken key is settled with, so that both write the same bytes.
 * <p>
 * The file holds the customer's events exactly as they were sent, with their writer schema, so any Avro tool reads
 * it. Its header metadata records their Kafka provenance ({@link Provenance}) and the rest of each Kafka record (key,
 * headers, timestamp type: {@link KafkaFields}); the S3 object's user metadata records their count, offset range and
 * schema. The file's sync marker is derived from its key, so writing the same batch twice produces the same bytes.
 * docs/file-format.md specifies all of it.
 */
public final class AvroBatchWriter {

    public static final String CONTENT_TYPE = "application/avro";

    public static final String META_RECORD_COUNT = "record-count";
    public static final String META_FIRST_OFFSET = "first-offset";
    public static final String META_LAST_OFFSET = "last-offset";
    public static final String META_SCHEMA_ID = "schema-id";
    public static final String META_TOPIC = "topic";
    public static final String META_PARTITION = "partition";
    public static final String META_METRIC_DATE = "metric-date";
    public static final String META_FORMAT_VERSION = "format-version";
    public static final String META_TOPIC_ID = "topic-id";

    private final String codec;

    public AvroBatchWriter(String codec) {
        this.codec = codec;
    }

    /** The container file of {@code batch}, stored under {@code key}. */
    public byte[] write(ArchiveBatch batch, ArchiveKey key) throws IOException {
        int size = batch.size();
        long[] offsets = new long[size];
        long[] timestamps = new long[size];
        for (int i = 0; i < size; i++) {
            offsets[i] = batch.offset(i);
            timestamps[i] = batch.timestamp(i);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8,
                batch.bytes() + 4096 + 4L * size));
        try (DataFileWriter<Object> writer = new DataFileWriter<>(new GenericDatumWriter<>(batch.schema()))) {
            writer.setCodec(codecFactory());
            writer.setMeta(Provenance.TOPIC, batch.topic());
            writer.setMeta(Provenance.PARTITION, Integer.toString(batch.partition()));
            writer.setMeta(Provenance.SCHEMA_ID, batch.schemaId());
            writer.setMeta(Provenance.OFFSETS, Provenance.encode(offsets, size));
            writer.setMeta(Provenance.TIMESTAMPS, Provenance.encode(timestamps, size));
            writer.setMeta(Provenance.FORMAT_VERSION, Integer.toString(Provenance.FORMAT));
            if (batch.topicId() != null) {
                writer.setMeta(Provenance.TOPIC_ID, batch.topicId().toString());
            }
            writer.setMeta(KafkaFields.TIMESTAMP_TYPES, KafkaFields.encodeTimestampTypes(batch));
            writer.setMeta(KafkaFields.KEYS, KafkaFields.encodeKeys(batch));
            writer.setMeta(KafkaFields.HEADERS, KafkaFields.encodeHeaders(batch));
            writer.create(batch.schema(), out, syncMarker(key.toString()));
            for (int i = 0; i < size; i++) {
                writer.appendEncoded(ByteBuffer.wrap(batch.data(i), batch.start(i), batch.length(i)));
            }
        }
        return out.toByteArray();
    }

    /** The S3 user metadata of the batch's file. */
    public static Map<String, String> objectMetadata(ArchiveBatch batch) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(META_RECORD_COUNT, Integer.toString(batch.size()));
        metadata.put(META_FIRST_OFFSET, Long.toString(batch.firstOffset()));
        metadata.put(META_LAST_OFFSET, Long.toString(batch.lastOffset()));
        metadata.put(META_SCHEMA_ID, batch.schemaId());
        metadata.put(META_TOPIC, batch.topic());
        metadata.put(META_PARTITION, Integer.toString(batch.partition()));
        metadata.put(META_METRIC_DATE, batch.day().toString());
        metadata.put(META_FORMAT_VERSION, Integer.toString(Provenance.FORMAT));
        if (batch.topicId() != null) {
            metadata.put(META_TOPIC_ID, batch.topicId().toString());
        }
        return metadata;
    }

    private CodecFactory codecFactory() {
        return switch (codec) {
            case "null" -> CodecFactory.nullCodec();
            case "deflate" -> CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL);
            case "snappy" -> CodecFactory.snappyCodec();
            case "zstd" -> CodecFactory.zstandardCodec(CodecFactory.DEFAULT_ZSTANDARD_LEVEL);
            default -> throw new IllegalStateException("unknown codec " + codec);
        };
    }

    private static byte[] syncMarker(String key) {
        try {
            return MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
