package com.prism.lts.upload;

import java.util.List;

import com.prism.lts.config.InvalidSettingsException;
import com.prism.lts.observe.S3Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A bucket that does not exist, or credentials that S3 refuses, are settings to fix, not faults to retry for ever: the
 * start stops and says so. An S3 that cannot be reached yet is a fault: the archive route starts once it answers.
 */
public final class BucketCheck {

    private static final Logger LOG = LoggerFactory.getLogger(BucketCheck.class);

    private BucketCheck() {
    }

    public static void check(S3Client s3, String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            throw missing(bucket);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw missing(bucket);
            }
            if (e.statusCode() == 403) {
                throw new InvalidSettingsException(List.of(S3Credentials.refused(s3, bucket)));
            }
            LOG.warn("Cannot check that bucket {} exists ({}); going on", bucket, e.getMessage());
        } catch (SdkClientException e) {
            LOG.warn("S3 cannot be reached yet ({}); the archive starts as soon as it answers", e.getMessage());
        }
    }

    private static InvalidSettingsException missing(String bucket) {
        return new InvalidSettingsException(List.of("prism.s3.bucket names bucket '" + bucket
                + "', which does not exist: create it, or point prism.s3.bucket at one that does"));
    }
}
