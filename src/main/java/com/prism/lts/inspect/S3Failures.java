package com.prism.lts.inspect;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import com.prism.lts.ToolFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Says in one line why an S3 request failed, in the words of the tools' options rather than the SDK's. */
public final class S3Failures {

    private S3Failures() {
    }

    /** {@code key} is the object or prefix the request was about. */
    public static ToolFailure describe(SdkException e, String where, String bucket, String key) {
        if (e instanceof NoSuchBucketException) {
            return new ToolFailure("bucket " + bucket + " does not exist at " + where);
        }
        if (e instanceof NoSuchKeyException) {
            return new ToolFailure("there is no object s3://" + bucket + "/" + key + " at " + where);
        }
        if (e instanceof S3Exception s3) {
            if (s3.statusCode() == 403) {
                return new ToolFailure(where + " refused access to bucket " + bucket
                        + ": check --access-key and --secret-key (HTTP 403 " + errorCode(s3) + ")");
            }
            return new ToolFailure(where + " answered HTTP " + s3.statusCode() + " " + errorCode(s3)
                    + " for s3://" + bucket + "/" + key);
        }
        if (e.getMessage() != null && e.getMessage().startsWith("Unable to load credentials")) {
            return new ToolFailure("no S3 credentials: give --access-key and --secret-key, or set them where the AWS"
                    + " default credential chain looks (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws/credentials,"
                    + " a web identity or a container role)");
        }
        Throwable cause = rootCause(e);
        if (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof SocketTimeoutException) {
            return new ToolFailure("cannot reach S3 at " + where + " (" + (cause instanceof UnknownHostException
                    ? "unknown host" : cause.getMessage()) + ")");
        }
        return new ToolFailure("S3 request to " + where + " failed: " + (e.getMessage() == null
                ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("")));
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
