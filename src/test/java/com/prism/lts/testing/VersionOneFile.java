package com.prism.lts.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

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
 * Turns an archive file in S3 into the file Prism LTS wrote before format version 2: the same blocks, the same sync
 * marker (the MD5 of its key) and the same provenance entries, without the entries version 2 added; its object
 * metadata without {@code format-version}. That is byte for byte what the earlier writer made of the same records.
 */
public final class VersionOneFile {

    private VersionOneFile() {
    }

    public static void rewrite(S3Server s3, String bucket, String key) {
        byte[] file = s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        Map<String, String> metadata = new HashMap<>(s3.metadata(bucket, key));
        metadata.remove(AvroBatchWriter.META_FORMAT_VERSION);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileStream<Object> in = new DataFileStream<>(new ByteArrayInputStream(file),
                new GenericDatumReader<>());
                DataFileWriter<Object> writer = new DataFileWriter<>(new GenericDatumWriter<>(in.getSchema()))) {
            writer.setCodec(CodecFactory.fromString(in.getMetaString("avro.codec")));
            for (String name : new String[] {Provenance.TOPIC, Provenance.PARTITION, Provenance.SCHEMA_ID,
                Provenance.OFFSETS, Provenance.TIMESTAMPS}) {
                writer.setMeta(name, in.getMeta(name));
            }
            writer.create(in.getSchema(), out, MessageDigest.getInstance("MD5").digest(
                    key.getBytes(StandardCharsets.UTF_8)));
            writer.appendAllFrom(in, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        s3.client().putObject(b -> b.bucket(bucket).key(key).metadata(metadata), RequestBody.fromBytes(
                out.toByteArray()));
        if (s3.read(bucket, key).meta().containsKey(KafkaFields.KEYS)) {
            throw new IllegalStateException("s3://" + bucket + "/" + key + " still has its keys");
        }
    }
}
