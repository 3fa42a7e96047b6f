package com.prism.lts.observe;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/** Ready only while the archive bucket answers: files could not be stored otherwise. */
public final class S3Readiness extends AbstractHealthCheck {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final S3Client s3;
    private final String bucket;

    public S3Readiness(S3Client s3, String bucket) {
        super("prism", "s3-bucket");
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bucket", bucket);
        problem().ifPresentOrElse(problem -> {
            builder.message(problem);
            builder.down();
        }, builder::up);
    }

    /** Why the bucket cannot be used now, if it cannot. */
    public Optional<String> problem() {
        try {
            s3.headBucket(b -> b.bucket(bucket).overrideConfiguration(c -> c.apiCallTimeout(PROBE_TIMEOUT)));
            return Optional.empty();
        } catch (SdkException e) {
            return Optional.of(S3Credentials.isMissing(e) ? S3Credentials.said()
                    : S3Credentials.refused(e, bucket).orElse("bucket " + bucket + " cannot be reached: "
                            + e.getMessage()));
        }
    }
}
