package com.prism.lts.upload;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.config.Backoff;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Settles an upload that found its key already taken.
 * <p>
 * Archive files are written only if their key is free ({@code If-None-Match: *}). A key is taken when a batch is
 * written again: after a crash or a rebalance, or by a replica that lost its partition and does not know it yet. Two
 * files under one key start at the same offset and hold the same day's records in offset order, so the one with
 * more records holds all of the other's. The rule is therefore that a file is only ever replaced by a larger one
 * ({@code If-Match} on the file that was inspected): whichever writer comes last, no record that was committed can
 * disappear from S3.
 */
public final class ExistingArchiveFile {

    private static final Logger LOG = LoggerFactory.getLogger(ExistingArchiveFile.class);
    private static final int PRECONDITION_FAILED = 412;

    private final S3Client s3;
    private final String bucket;
    private final Backoff retry;

    public ExistingArchiveFile(S3Client s3, String bucket, Backoff retry) {
        this.s3 = s3;
        this.bucket = bucket;
        this.retry = retry;
    }

    /** Whether the upload failed because its key is taken. */
    public boolean isTaken(Exchange exchange) {
        return isTaken(exchange.getException() != null
                ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    /** Whether {@code failure} says that a key written only if free was taken. */
    public static boolean isTaken(Throwable failure) {
        S3Exception s3Failure = ObjectHelper.getException(S3Exception.class, failure);
        return s3Failure != null && s3Failure.statusCode() == PRECONDITION_FAILED;
    }

    /** Keeps the larger of the two files, retrying until S3 has answered. */
    @SuppressWarnings("unchecked")
    public void settle(Exchange exchange) throws InterruptedException {
        Message message = exchange.getMessage();
        ArchiveBatch batch = exchange.getProperty(AvroBatchWriter.BATCH, ArchiveBatch.class);
        String key = message.getHeader(AWS2S3Constants.KEY, String.class);
        byte[] file = message.getBody(byte[].class);
        Map<String, String> metadata = message.getHeader(AWS2S3Constants.METADATA, Map.class);
        Backoff.Delays delays = retry.delays();
        while (true) {
            try {
                if (settleOnce(key, batch.size(), file, metadata)) {
                    return;
                }
            } catch (SdkException | IOException e) {
                long delay = delays.next();
                LOG.warn("Could not settle s3://{}/{}, retrying in {} ms: {}", bucket, key, delay, e.getMessage());
                Thread.sleep(delay);
            }
        }
    }

    /** One round: true when settled, false when another writer changed the key meanwhile. */
    private boolean settleOnce(String key, int ours, byte[] file, Map<String, String> metadata) throws IOException {
        HeadObjectResponse existing;
        try {
            existing = s3.headObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException gone) {
            return put(PutObjectRequest.builder().ifNoneMatch("*"), key, file, metadata);
        }
        long theirs = recordCount(key, existing);
        if (theirs >= ours) {
            LOG.info("s3://{}/{} already holds {} records, including the {} of this batch: kept it", bucket, key,
                    theirs, ours);
            return true;
        }
        if (put(PutObjectRequest.builder().ifMatch(existing.eTag()), key, file, metadata)) {
            LOG.info("Replaced s3://{}/{} ({} records) with the {} records read since", bucket, key, theirs, ours);
            return true;
        }
        return false;
    }

    private boolean put(PutObjectRequest.Builder request, String key, byte[] file, Map<String, String> metadata) {
        try {
            s3.putObject(request.bucket(bucket).key(key).contentType(AvroBatchWriter.CONTENT_TYPE)
                    .contentLength((long) file.length).metadata(metadata).build(), RequestBody.fromBytes(file));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                return false;
            }
            throw e;
        }
    }

    private long recordCount(String key, HeadObjectResponse existing) throws IOException {
        String count = existing.metadata().get(AvroBatchWriter.META_RECORD_COUNT);
        if (count != null) {
            return Long.parseLong(count);
        }
        try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key));
                DataFileStream<Object> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
            long n = 0;
            while (records.hasNext()) {
                records.next();
                n++;
            }
            return n;
        }
    }
}
