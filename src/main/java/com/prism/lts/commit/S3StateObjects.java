package com.prism.lts.commit;

import java.util.List;
import java.util.function.UnaryOperator;

import com.prism.lts.config.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** Commit states in the archive's bucket. */
public final class S3StateObjects implements StateObjects {

    private static final Logger LOG = LoggerFactory.getLogger(S3StateObjects.class);

    private final S3Client s3;
    private final String bucket;
    private final Backoff retry;
    private final UnaryOperator<PutObjectRequest.Builder> stored;

    /**
     * @param stored how a state object is to be stored: encrypted and tagged as archive files are (a bucket policy may
     *               demand it), in the standard storage class (states live briefly)
     */
    public S3StateObjects(S3Client s3, String bucket, Backoff retry, UnaryOperator<PutObjectRequest.Builder> stored) {
        this.s3 = s3;
        this.bucket = bucket;
        this.retry = retry;
        this.stored = stored;
    }

    @Override
    public void put(String key, byte[] bytes) {
        s3.putObject(stored.apply(PutObjectRequest.builder()).bucket(bucket).key(key)
                .contentType("application/octet-stream").build(), RequestBody.fromBytes(bytes));
    }

    @Override
    public byte[] get(String key) throws InterruptedException {
        Backoff.Delays delays = retry.delays();
        while (true) {
            try {
                return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            } catch (NoSuchKeyException e) {
                return null;
            } catch (SdkException e) {
                long delay = delays.next();
                LOG.warn("Could not read the commit state s3://{}/{}, retrying in {} ms: {}", bucket, key, delay,
                        e.getMessage());
                Thread.sleep(delay);
            }
        }
    }

    @Override
    public List<Listed> list(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(object -> new Listed(object.key(), object.lastModified())).toList();
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            LOG.warn("Could not delete the commit state s3://{}/{}, which no commit names any more: {}", bucket, key,
                    e.getMessage());
        }
    }
}
