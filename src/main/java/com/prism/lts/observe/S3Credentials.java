package com.prism.lts.observe;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Missing or refused S3 credentials are a setting to fix, not an S3 that cannot be reached: they are said as such, with
 * where they were looked for or what to check, at start-up (refused ones stop it), by the readiness check and after
 * each failed upload.
 */
public final class S3Credentials {

    /** Where the S3 client looks, in order: ours, then the AWS SDK's default credential chain. */
    static final String LOOKED_FOR = "looked for prism.s3.access-key and prism.s3.secret-key (PRISM_S3_ACCESS_KEY,"
            + " PRISM_S3_SECRET_KEY), then in the AWS default chain: system properties aws.accessKeyId and"
            + " aws.secretAccessKey, environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a web identity"
            + " token (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, as IRSA sets them), the profile file"
            + " ~/.aws/credentials (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE), container credentials"
            + " (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI) and the EC2 instance metadata service";

    /** The AWS SDK's words when its credential chain found nothing. */
    private static final String SDK_WORDS = "Unable to load credentials";

    private S3Credentials() {
    }

    /** Why {@code s3} has no credentials, or empty when it has some. */
    public static Optional<String> missing(S3Client s3) {
        try {
            s3.serviceClientConfiguration().credentialsProvider().resolveIdentity().join();
            return Optional.empty();
        } catch (CompletionException | SdkClientException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return isMissing(cause) ? Optional.of(said()) : Optional.empty();
        }
    }

    /** Whether {@code failure} is, or was caused by, the credential chain finding nothing. */
    public static boolean isMissing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SdkClientException && t.getMessage() != null && t.getMessage().startsWith(SDK_WORDS)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why {@code s3} answered HTTP 403 for {@code bucket}, in words and naming what to check. A HEAD request gets no
     * error code, so a listing of at most one key asks again: {@code InvalidAccessKeyId} and
     * {@code SignatureDoesNotMatch} are credentials refused, {@code AccessDenied} credentials that may not use the
     * bucket.
     */
    public static String refused(S3Client s3, String bucket) {
        String code;
        try {
            s3.listObjectsV2(b -> b.bucket(bucket).maxKeys(1));
            code = "";
        } catch (S3Exception e) {
            code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                    : e.awsErrorDetails().errorCode();
        } catch (SdkException e) {
            code = "";
        }
        return refused(bucket, code, s3.serviceClientConfiguration().endpointOverride().map(URI::toString)
                .orElse("AWS S3"), s3.serviceClientConfiguration().credentialsProvider());
    }

    /** Why an S3 request of an upload or a check was refused (HTTP 403), if it was. */
    public static Optional<String> refused(Throwable failure, String bucket) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof S3Exception e && e.statusCode() == 403) {
                return Optional.of("S3 refused access to bucket " + bucket + " (HTTP 403 " + (e.awsErrorDetails() == null
                        || e.awsErrorDetails().errorCode() == null ? "Forbidden" : e.awsErrorDetails().errorCode())
                        + "): the credentials were refused, or may not use the bucket; check prism.s3.access-key and"
                        + " prism.s3.secret-key (or the AWS credentials in force)");
            }
        }
        return Optional.empty();
    }

    private static String refused(String bucket, String code, String endpoint, Object provider) {
        String which = provider instanceof StaticCredentialsProvider
                ? "check prism.s3.access-key and prism.s3.secret-key (PRISM_S3_ACCESS_KEY, PRISM_S3_SECRET_KEY)"
                : "check the credentials the AWS default chain found, no prism.s3.access-key being set"
                        + " (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the web identity role of IRSA, the profile,"
                        + " the container or instance role)";
        if (code.equals("AccessDenied") || code.equals("AllAccessDisabled")) {
            return "S3 at " + endpoint + " does not let these credentials use bucket " + bucket + " (" + code
                    + "): they need s3:ListBucket, s3:GetObject and s3:PutObject on it; " + which;
        }
        return "S3 at " + endpoint + " refused the credentials for bucket " + bucket + " (HTTP 403"
                + (code.isEmpty() ? "" : " " + code) + "): " + which;
    }

    /** The sentence for missing credentials. */
    public static String said() {
        return "no S3 credentials were found (" + LOOKED_FOR + ")";
    }
}
