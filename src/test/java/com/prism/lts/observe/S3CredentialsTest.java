package com.prism.lts.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.upload.S3Clients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** Credentials that S3 refuses are said as such, never as an S3 that cannot be reached. */
class S3CredentialsTest {

    private static EmbeddedS3 s3;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start();
        s3.createBucket("prism-lts");
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void refused_credentials_name_the_settings_to_check_with_what_s3_answered() {
        try (S3Client wrong = client("not-the-secret")) {
            assertThat(S3Credentials.refused(wrong, "prism-lts")).isEqualTo("S3 at " + s3.endpoint() + " refused the"
                    + " credentials for bucket prism-lts (HTTP 403 SignatureDoesNotMatch): check prism.s3.access-key and"
                    + " prism.s3.secret-key (PRISM_S3_ACCESS_KEY, PRISM_S3_SECRET_KEY)");
        }
    }

    @Test
    void readiness_says_the_credentials_were_refused_not_that_the_bucket_cannot_be_reached() {
        try (S3Client wrong = client("not-the-secret"); S3Client right = client(EmbeddedS3.SECRET_KEY)) {
            assertThat(new S3Readiness(wrong, "prism-lts").problem()).hasValueSatisfying(problem -> assertThat(problem)
                    .startsWith("S3 refused access to bucket prism-lts (HTTP 403").contains("credentials were refused")
                    .contains("check prism.s3.access-key and prism.s3.secret-key").doesNotContain("cannot be reached"));
            assertThat(new S3Readiness(right, "prism-lts").problem()).isEmpty();
        }
    }

    private static S3Client client(String secretKey) {
        return S3Clients.create(EmbeddedS3.REGION, true, Optional.of(s3.endpoint()), Optional.of(EmbeddedS3.ACCESS_KEY),
                Optional.of(secretKey), 4);
    }
}
