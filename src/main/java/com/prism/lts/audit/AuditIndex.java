package com.prism.lts.audit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.prism.lts.inspect.ArchiveBucket;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * What earlier audits learned of each archive file of a topic, so that an audit reads the header of a file only once
 * in its life: an Avro container file (deflate) at {@code <prefix>/_prism/audit/<topic>.avro}, one record per file,
 * matched to the listing by key, ETag and size. Files an earlier audit saw and the listing no longer has stay in it,
 * marked gone: their offsets were archived once.
 * <p>
 * It is a cache of facts about files, not a source of truth about them: deleting it costs one ranged GET per file at
 * the next audit, and an audit that may not write to the bucket still audits (it says so).
 */
final class AuditIndex {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "AuditedFile", "namespace": "com.prism.lts.audit", "fields": [
              {"name": "key", "type": "string"}, {"name": "etag", "type": "string"}, {"name": "size", "type": "long"},
              {"name": "partition", "type": "int"}, {"name": "format_version", "type": "int"},
              {"name": "offsets", "type": "bytes"}, {"name": "unreadable", "type": ["null", "string"]},
              {"name": "disagreement", "type": ["null", "string"]}, {"name": "gone", "type": "boolean"},
              {"name": "topic_id", "type": ["null", "string"], "default": null}]}""");
    /** The first format version whose files name their topic id: an index written before may lack it. */
    private static final int TOPIC_ID_SINCE = 3;

    private final ArchiveBucket bucket;
    private final String key;

    AuditIndex(ArchiveBucket bucket, String prefix, String topic) {
        this.bucket = bucket;
        this.key = (prefix.isEmpty() ? "" : prefix + "/") + "_prism/audit/" + topic + ".avro";
    }

    /** The index object's key in the bucket. */
    String key() {
        return key;
    }

    String location() {
        return "s3://" + bucket.name() + "/" + key;
    }

    /** The files of the index by key; empty when there is none yet. */
    Map<String, AuditedFile> load() {
        byte[] bytes = bucket.call(key, () -> {
            try {
                return bucket.client().getObjectAsBytes(b -> b.bucket(bucket.name()).key(key)).asByteArray();
            } catch (NoSuchKeyException none) {
                return null;
            }
        });
        if (bytes == null) {
            return new HashMap<>();
        }
        Map<String, AuditedFile> files = new HashMap<>();
        try (DataFileStream<GenericRecord> in = new DataFileStream<>(new ByteArrayInputStream(bytes),
                new GenericDatumReader<>(SCHEMA))) {
            for (GenericRecord r : in) {
                ByteBuffer offsets = (ByteBuffer) r.get("offsets");
                byte[] encoded = new byte[offsets.remaining()];
                offsets.get(encoded);
                String topicId = Optional.ofNullable(r.get("topic_id")).map(Object::toString).orElse(null);
                AuditedFile file = new AuditedFile(r.get("key").toString(), r.get("etag").toString(),
                        (Long) r.get("size"), (Integer) r.get("partition"), (Integer) r.get("format_version"),
                        topicId, encoded, Optional.ofNullable(r.get("unreadable")).map(Object::toString),
                        Optional.ofNullable(r.get("disagreement")).map(Object::toString), (Boolean) r.get("gone"));
                // a file whose topic id an older audit did not keep is read again, if it is still there
                if (topicId != null || file.formatVersion() < TOPIC_ID_SINCE || file.gone()) {
                    files.put(file.key(), file);
                }
            }
        } catch (IOException e) {
            // an index that cannot be read is built again
            return new HashMap<>();
        }
        return files;
    }

    /** Writes the index; returns why it could not, if it could not. */
    Optional<String> save(Collection<AuditedFile> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(SCHEMA))) {
            writer.setCodec(CodecFactory.deflateCodec(6));
            writer.create(SCHEMA, out);
            for (AuditedFile file : files) {
                GenericRecord r = new GenericData.Record(SCHEMA);
                r.put("key", file.key());
                r.put("etag", file.eTag());
                r.put("size", file.size());
                r.put("partition", file.partition());
                r.put("format_version", file.formatVersion());
                r.put("offsets", ByteBuffer.wrap(file.offsets()));
                r.put("unreadable", file.unreadable().orElse(null));
                r.put("disagreement", file.disagreement().orElse(null));
                r.put("gone", file.gone());
                r.put("topic_id", file.topicId());
                writer.append(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            bucket.client().putObject(b -> b.bucket(bucket.name()).key(key).contentType("application/avro"),
                    RequestBody.fromBytes(out.toByteArray()));
            return Optional.empty();
        } catch (SdkException e) {
            return Optional.of(e.getMessage().lines().findFirst().orElse(e.getClass().getSimpleName()));
        }
    }
}
