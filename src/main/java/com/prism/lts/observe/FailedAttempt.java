package com.prism.lts.observe;

import java.util.Optional;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.upload.BatchUploaded;
import com.prism.lts.upload.ExistingArchiveFile;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Called by the error handler after every failed attempt, before it retries: says in words what failed and counts
 * failed uploads. A key found taken is no failure: the route settles it without a retry.
 */
public final class FailedAttempt implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(FailedAttempt.class);

    private final ArchiveMetrics metrics;
    private final String bucket;
    private final Stuck stuck;
    private volatile String lastUploadFailure;

    public FailedAttempt(ArchiveMetrics metrics, String bucket, Stuck stuck) {
        this.metrics = metrics;
        this.bucket = bucket;
        this.stuck = stuck;
    }

    /** Why the last failed upload failed, if one has failed. */
    public Optional<String> lastUploadFailure() {
        return Optional.ofNullable(lastUploadFailure);
    }

    @Override
    public void process(Exchange exchange) {
        Exception failure = exchange.getException();
        if (ExistingArchiveFile.isTaken(failure)) {
            return;
        }
        String cause = failure == null ? "unknown"
                : S3Credentials.isMissing(failure) ? S3Credentials.said()
                : S3Credentials.refused(failure, bucket).orElse(failure.getClass().getSimpleName() + ": "
                        + failure.getMessage());
        // Camel counts this failure before it calls us: the first failure is counter 1
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class);
        ArchiveBatch batch = exchange.getProperty(BatchUploaded.BATCH, ArchiveBatch.class);
        if (batch != null) {
            metrics.uploadFailed();
            lastUploadFailure = cause;
            LOG.warn("Upload of {} ({}) failed, attempt {}; will retry: {}",
                    exchange.getMessage().getHeader(AWS2S3Constants.KEY), batch, attempt, cause);
        } else {
            LOG.warn("Sending {}-{} offset {} to the dead-letter topic failed, attempt {}; will retry: {}",
                    exchange.getMessage().getHeader(KafkaConstants.TOPIC),
                    exchange.getMessage().getHeader(KafkaConstants.PARTITION),
                    exchange.getMessage().getHeader(KafkaConstants.OFFSET), attempt, cause);
            refusedForGood(failure).ifPresent(why -> stuck.report(DeadLetters.stuckName(exchange), why));
        }
    }

    /**
     * Why the dead-letter topic will refuse the record however often it is sent: Kafka said so (an error it does not
     * retry itself, such as a record larger than the topic's {@code max.message.bytes}), and the record can go nowhere
     * else, for it must not be dropped.
     */
    private static Optional<String> refusedForGood(Exception failure) {
        ApiException refusal = ObjectHelper.getException(ApiException.class, failure);
        if (refusal == null || refusal instanceof RetriableException) {
            return Optional.empty();
        }
        return Optional.of("the dead-letter topic refuses it (" + refusal.getClass().getSimpleName() + ": "
                + refusal.getMessage() + ")" + (refusal instanceof RecordTooLargeException
                        ? ": raise the dead-letter topic's max.message.bytes (and the producer's max.request.size,"
                                + " camel.component.kafka.max-request-size) above the record's size"
                        : "") + "; it is sent again with backoff meanwhile");
    }
}
