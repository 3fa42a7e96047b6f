package com.prism.lts.inspect;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.prism.lts.ToolFailure;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.AvroBatchWriter;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** An archive's bucket as the tools read it. Every S3 failure becomes a {@link ToolFailure} that says what failed. */
public final class ArchiveBucket {

    private final S3Client s3;
    private final String name;
    private final String where;

    /** {@code where} names the S3 service in messages: its endpoint, or AWS S3 and the region. */
    public ArchiveBucket(S3Client s3, String name, String where) {
        this.s3 = s3;
        this.name = name;
        this.where = where;
    }

    public String name() {
        return name;
    }

    /**
     * Lists the objects under {@code keyPrefix}. The archive files that {@code wanted} accepts are read with their
     * record counts (one metadata request each); the rest are left out, and objects that are not archive files are
     * listed by key.
     */
    public Listing list(String keyPrefix, Predicate<ArchiveKey> wanted) {
        List<ArchiveFileEntry> files = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (S3Object object : objects(keyPrefix)) {
            Optional<ArchiveKey> key = ArchiveKey.parse(object.key());
            if (key.isEmpty()) {
                others.add(object.key());
            } else if (wanted.test(key.get())) {
                files.add(new ArchiveFileEntry(object.key(), key.get(), object.size(), recordCount(object.key())));
            }
        }
        files.sort(ArchiveFileEntry.ORDER);
        return new Listing(files, others);
    }

    /** Every object under {@code keyPrefix}, as the listing gives it (key, size, ETag, storage class): no request per object. */
    public List<S3Object> objects(String keyPrefix) {
        return call(keyPrefix, () -> s3.listObjectsV2Paginator(b -> b.bucket(name).prefix(keyPrefix)).contents()
                .stream().toList());
    }

    /** Whether any object's key starts with {@code keyPrefix}: one LIST request of one key. */
    public boolean holdsAny(String keyPrefix) {
        return call(keyPrefix, () -> !s3.listObjectsV2(b -> b.bucket(name).prefix(keyPrefix).maxKeys(1)).contents()
                .isEmpty());
    }

    /** The S3 client and where it points, for requests this class does not make itself. */
    public S3Client client() {
        return s3;
    }

    /** Runs an S3 request about {@code key}, turning its failure into a one-line {@link ToolFailure}. */
    public <T> T call(String key, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw S3Failures.describe(e, where, name, key);
        }
    }

    private OptionalLong recordCount(String key) {
        String count = call(key, () -> s3.headObject(b -> b.bucket(name).key(key)).metadata())
                .get(AvroBatchWriter.META_RECORD_COUNT);
        return count == null || !count.matches("\\d+") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(count));
    }

    /** The bytes of one object; the caller closes the stream. */
    public InputStream open(String key) {
        return call(key, () -> s3.getObject(b -> b.bucket(name).key(key)));
    }

}
