package com.prism.lts.observe;

import java.util.Optional;
import java.util.concurrent.CompletionException;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Missing S3 credentials are a setting to fix, not an S3 that cannot be reached: they are said as such, with where
 * they were looked for, at start-up, by the readiness check and after each failed upload.
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

    /** The sentence for missing credentials. */
    public static String said() {
        return "no S3 credentials were found (" + LOOKED_FOR + ")";
    }
}
