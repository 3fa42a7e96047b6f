package com.prism.lts.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.prism.lts.write.AvroBatchWriter;
import com.prism.lts.write.KafkaFields;
import com.prism.lts.write.Provenance;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * An archive file in S3 written again with other header entries, the same blocks: as an earlier or a later version of
 * Prism LTS would have written the same records, or as another topic incarnation's file at the same offsets.
 */
public final class RewrittenFile {

    private RewrittenFile() {
    }

    /**
     * The file Prism LTS wrote before format version 2: the same blocks, the same sync marker (the MD5 of its key) and
     * the same provenance entries, without the entries version 2 added; its object metadata without
     * {@code format-version}. That is byte for byte what the earlier writer made of the same records.
     */
    public static void asVersionOne(S3Server s3, String bucket, String key) {
        rewrite(s3, bucket, key, key, header -> header.keySet().retainAll(List.of(Provenance.TOPIC,
                Provenance.PARTITION, Provenance.SCHEMA_ID, Provenance.OFFSETS, Provenance.TIMESTAMPS)), -1);
        if (s3.read(bucket, key).meta().containsKey(KafkaFields.KEYS)) {
            throw new IllegalStateException("s3://" + bucket + "/" + key + " still has its keys");
        }
    }

    /**
     * A file of format version 3 at {@code to} holding the records of {@code from}, read from the topic incarnation
     * {@code topicId} ({@code Uuid.toString()}).
     */
    public static void withTopicId(S3Server s3, String bucket, String from, String to, String topicId) {
        rewrite(s3, bucket, from, to, header -> header.put(Provenance.TOPIC_ID, utf8(topicId)), 3);
    }

    /**
     * A file at {@code to} holding other records at the offsets of {@code from}: the same values, keys and headers,
     * each timestamp {@code shiftMs} later, as a topic deleted and created again could give before format version 3
     * (a file of version 2, which names no topic id).
     */
    public static void withTimestampsShifted(S3Server s3, String bucket, String from, String to, long shiftMs) {
        rewrite(s3, bucket, from, to, header -> {
            long[] timestamps = Provenance.decode(header.get(Provenance.TIMESTAMPS));
            for (int i = 0; i < timestamps.length; i++) {
                timestamps[i] += shiftMs;
            }
            header.put(Provenance.TIMESTAMPS, Provenance.encode(timestamps, timestamps.length));
            header.remove(Provenance.TOPIC_ID);
        }, 2);
    }

    /**
     * Writes the blocks of {@code from} to {@code to} with the Prism LTS header entries {@code edit} leaves;
     * {@code version} is the format version to name (-1 for none, as version 1 had; 0 to keep the file's own).
     */
    private static void rewrite(S3Server s3, String bucket, String from, String to,
            Consumer<Map<String, byte[]>> edit, int version) {
        byte[] file = s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(from)).asByteArray();
        Map<String, String> metadata = new HashMap<>(s3.metadata(bucket, from));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileStream<Object> in = new DataFileStream<>(new ByteArrayInputStream(file),
                new GenericDatumReader<>());
                DataFileWriter<Object> writer = new DataFileWriter<>(new GenericDatumWriter<>(in.getSchema()))) {
            Map<String, byte[]> header = new LinkedHashMap<>();
            for (String name : in.getMetaKeys()) {
                if (name.startsWith("prism.")) {
                    header.put(name, in.getMeta(name));
                }
            }
            edit.accept(header);
            if (version < 0) {
                header.remove(Provenance.FORMAT_VERSION);
                metadata.remove(AvroBatchWriter.META_FORMAT_VERSION);
            } else if (version > 0) {
                header.put(Provenance.FORMAT_VERSION, utf8(Integer.toString(version)));
                metadata.put(AvroBatchWriter.META_FORMAT_VERSION, Integer.toString(version));
            }
            writer.setCodec(CodecFactory.fromString(in.getMetaString("avro.codec")));
            header.forEach(writer::setMeta);
            writer.create(in.getSchema(), out, MessageDigest.getInstance("MD5").digest(
                    to.getBytes(StandardCharsets.UTF_8)));
            writer.appendAllFrom(in, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        s3.client().putObject(b -> b.bucket(bucket).key(to).metadata(metadata), RequestBody.fromBytes(
                out.toByteArray()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
