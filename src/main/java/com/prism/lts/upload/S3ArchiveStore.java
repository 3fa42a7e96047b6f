package com.prism.lts.upload;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import com.prism.lts.write.AvroBatchWriter;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Archive files in S3, stored as {@link StorageOptions} say. */
public final class S3ArchiveStore implements ArchiveStore {

    private static final int PRECONDITION_FAILED = 412;

    private final S3Client s3;
    private final String bucket;
    private final StorageOptions storage;

    public S3ArchiveStore(S3Client s3, String bucket, StorageOptions storage) {
        this.s3 = s3;
        this.bucket = bucket;
        this.storage = storage;
    }

    @Override
    public Optional<Stored> get(String key) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
            return Optional.of(new Stored(object.asByteArray(), object.response().eTag()));
        } catch (NoSuchKeyException gone) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] file, Map<String, String> metadata) throws IOException {
        return put(PutObjectRequest.builder().ifNoneMatch("*"), key, file, metadata);
    }

    @Override
    public boolean putIfMatch(String key, byte[] file, Map<String, String> metadata, String eTag) throws IOException {
        return put(PutObjectRequest.builder().ifMatch(eTag), key, file, metadata);
    }

    private boolean put(PutObjectRequest.Builder request, String key, byte[] file, Map<String, String> metadata)
            throws IOException {
        try {
            s3.putObject(storage.applyTo(request).bucket(bucket).key(key)
                    .contentType(AvroBatchWriter.CONTENT_TYPE)
                    .contentLength((long) file.length)
                    .metadata(metadata).build(), RequestBody.fromBytes(file));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                return false;
            }
            throw new IOException(e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
