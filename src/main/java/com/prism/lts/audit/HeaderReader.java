package com.prism.lts.audit;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.AvroBatchWriter;
import com.prism.lts.write.Provenance;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads what an audit needs of an archive file with one ranged GET of its first {@value #FIRST_BYTES} bytes, which
 * hold the whole Avro header of a file of 250 records (a few kilobytes: schema, offsets, timestamps, deflated keys and
 * headers), and its object metadata, which the same response carries. A header that does not fit is read again whole.
 */
final class HeaderReader {

    static final int FIRST_BYTES = 64 * 1024;
    private static final Set<String> ARCHIVED_TIERS = Set.of("GLACIER", "DEEP_ARCHIVE");

    private final ArchiveBucket bucket;

    HeaderReader(ArchiveBucket bucket) {
        this.bucket = bucket;
    }

    /** The file as its header, object metadata and key describe it; one request, two for very large headers. */
    AuditedFile read(S3Object object, ArchiveKey key) {
        if (ARCHIVED_TIERS.contains(object.storageClassAsString())) {
            return unreadable(object, key, "it is in " + object.storageClassAsString() + ", which cannot be read"
                    + " until restored: let the audit index files before a lifecycle rule moves them");
        }
        ResponseBytes<GetObjectResponse> first = get(object, FIRST_BYTES);
        try {
            return read(object, key, first);
        } catch (EOFException headerLongerThanFirstBytes) {
            try {
                return read(object, key, get(object, object.size()));
            } catch (IOException e) {
                return unreadable(object, key, "it is not an Avro container file (" + e.getMessage() + ")");
            }
        } catch (IOException e) {
            return unreadable(object, key, "it is not an Avro container file (" + e.getMessage() + ")");
        }
    }

    private ResponseBytes<GetObjectResponse> get(S3Object object, long bytes) {
        return bucket.call(object.key(), () -> bucket.client().getObjectAsBytes(b -> b.bucket(bucket.name())
                .key(object.key()).range("bytes=0-" + (Math.max(bytes, 1) - 1))));
    }

    private AuditedFile read(S3Object object, ArchiveKey key, ResponseBytes<GetObjectResponse> bytes)
            throws IOException {
        Provenance provenance;
        try (DataFileStream<Object> stream = new DataFileStream<>(new ByteArrayInputStream(bytes.asByteArray()),
                new GenericDatumReader<>())) {
            provenance = Provenance.of(stream);
        } catch (IllegalArgumentException | AvroRuntimeException e) {
            return unreadable(object, key, "it is an Avro file without Prism LTS provenance (" + e.getMessage() + ")");
        }
        List<String> disagree = disagreements(key, bytes.response().metadata(), provenance);
        long[] offsets = provenance.offsets();
        return new AuditedFile(object.key(), object.eTag(), object.size(), key.partition(),
                provenance.formatVersion(), provenance.topicId(), Provenance.encode(offsets, offsets.length),
                Optional.empty(),
                disagree.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", disagree)), false);
    }

    private static List<String> disagreements(ArchiveKey key, Map<String, String> metadata, Provenance header) {
        List<String> found = new ArrayList<>();
        long[] offsets = header.offsets();
        compare(found, "topic", key.topic(), header.topic(), metadata.get(AvroBatchWriter.META_TOPIC));
        compare(found, "partition", Integer.toString(key.partition()), Integer.toString(header.partition()),
                metadata.get(AvroBatchWriter.META_PARTITION));
        compare(found, "first offset", Long.toString(key.startOffset()), offsets.length == 0 ? "none"
                : Long.toString(offsets[0]), metadata.get(AvroBatchWriter.META_FIRST_OFFSET));
        compare(found, "last offset", null, offsets.length == 0 ? "none" : Long.toString(offsets[offsets.length - 1]),
                metadata.get(AvroBatchWriter.META_LAST_OFFSET));
        compare(found, "record count", null, Integer.toString(offsets.length),
                metadata.get(AvroBatchWriter.META_RECORD_COUNT));
        compare(found, "schema id", null, header.schemaId(), metadata.get(AvroBatchWriter.META_SCHEMA_ID));
        compare(found, "day", key.day().toString(), null, metadata.get(AvroBatchWriter.META_METRIC_DATE));
        compare(found, "format version", null, Integer.toString(header.formatVersion()),
                metadata.getOrDefault(AvroBatchWriter.META_FORMAT_VERSION, "1"));
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] <= offsets[i - 1]) {
                found.add("its header's offsets are not in increasing order at " + offsets[i]);
                break;
            }
        }
        return found;
    }

    /** Adds a disagreement when the key, the header and the object metadata (those given) name different values. */
    private static void compare(List<String> found, String what, String inKey, String inHeader, String inMetadata) {
        List<String> said = new ArrayList<>();
        if (inKey != null) {
            said.add("key " + inKey);
        }
        if (inHeader != null) {
            said.add("header " + inHeader);
        }
        said.add("metadata " + (inMetadata == null ? "none" : inMetadata));
        if (said.stream().map(s -> s.substring(s.indexOf(' ') + 1)).distinct().count() > 1) {
            found.add(what + ": " + String.join(", ", said));
        }
    }

    private static AuditedFile unreadable(S3Object object, ArchiveKey key, String why) {
        return new AuditedFile(object.key(), object.eTag(), object.size(), key.partition(), 0, null, new byte[0],
                Optional.of(why), Optional.empty(), false);
    }
}
