package com.prism.lts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Management;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupTest {

    @TempDir
    Path schemas;

    @Test
    void bad_settings_stop_the_start_with_exit_code_2_and_a_message_that_names_each_property() {
        ArchiveProcess archive = ArchiveProcess.start(Map.of(
                "prism.kafka.bootstrap-servers", "",
                "prism.flush.size", "0",
                "prism.avro.codec", "lz4",
                "prism.metric-date.zone", "Mars/Olympus",
                "prism.schema-directory", schemas.toString()), Path.of("target", "startup-test.log"));

        assertThat(archive.awaitExit()).isEqualTo(2);
        assertThat(archive.log())
                .contains("prism.kafka.bootstrap-servers is not set")
                .contains("prism.flush.size must be 1 or more, but is 0")
                .contains("prism.avro.codec must be one of deflate, null, snappy, zstd, but is 'lz4'")
                .contains("prism.metric-date.zone is not a time zone")
                .doesNotContain("\tat ");
    }

    @Test
    void a_management_port_in_use_stops_the_start_with_exit_code_2_naming_camel_management_port() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            ArchiveProcess archive = ArchiveProcess.start(Map.of(
                    "camel.management.port", Integer.toString(taken.getLocalPort()),
                    "prism.schema-directory", schemas.toString()), Path.of("target", "startup-port-test.log"));

            assertThat(archive.awaitExit()).isEqualTo(2);
            assertThat(archive.log()).containsPattern("camel\\.management\\.port " + taken.getLocalPort()
                    + " cannot be listened on .*: another process has it").doesNotContain("\tat ");
        }
    }

    @Test
    void missing_s3_credentials_are_said_as_such_with_where_they_were_looked_for() {
        try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            s3.createBucket("prism-lts");
            Map<String, String> settings = new HashMap<>(s3.settings());
            settings.remove("prism.s3.access-key");
            settings.remove("prism.s3.secret-key");
            settings.put("prism.schema-directory", schemas.toString());
            Management management = new Management(Management.freePort());
            settings.put("camel.management.port", Integer.toString(management.port()));
            // nothing in the AWS default chain either, and no call to an EC2 metadata service that is not there
            Map<String, String> environment = Map.of("AWS_ACCESS_KEY_ID", "", "AWS_SECRET_ACCESS_KEY", "",
                    "AWS_SHARED_CREDENTIALS_FILE", schemas.resolve("none").toString(),
                    "AWS_CONFIG_FILE", schemas.resolve("none").toString(), "AWS_EC2_METADATA_DISABLED", "true");

            try (ArchiveProcess archive = ArchiveProcess.start(List.of("-Xmx256m"), settings, environment,
                    Path.of("target", "startup-credentials-test.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> archive.log().contains("Started archive"));
                await().atMost(Duration.ofSeconds(30)).until(
                        () -> management.get("/observe/health/ready").body().contains("no S3 credentials were found"));
                assertThat(archive.log())
                        .contains("Cannot store anything: no S3 credentials were found (looked for prism.s3.access-key")
                        .contains("AWS_WEB_IDENTITY_TOKEN_FILE").doesNotContain("S3 cannot be reached");
            }
        }
    }

    @Test
    void wrong_s3_credentials_stop_the_start_with_exit_code_2_naming_the_credential_settings() {
        try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            s3.createBucket("prism-lts");
            Map<String, String> settings = new HashMap<>(s3.settings());
            settings.put("prism.schema-directory", schemas.toString());
            settings.put("camel.management.port", "0");
            ArchiveProcess archive = ArchiveProcess.start(List.of("-Xmx256m"), settings,
                    Map.of("PRISM_S3_SECRET_KEY", "wrong-S3cret"), Path.of("target", "startup-refused-test.log"));

            assertThat(archive.awaitExit()).isEqualTo(2);
            assertThat(archive.log()).contains("S3 at " + s3.endpoint() + " refused the credentials for bucket"
                    + " prism-lts (HTTP 403 SignatureDoesNotMatch): check prism.s3.access-key and prism.s3.secret-key")
                    .doesNotContain("going on").doesNotContain("\tat ").doesNotContain("wrong-S3cret");
        }
    }

    @Test
    void a_bucket_that_does_not_exist_stops_the_start_naming_prism_s3_bucket() {
        try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            Map<String, String> settings = new HashMap<>(s3.settings());
            settings.put("prism.s3.bucket", "no-such-bucket");
            settings.put("prism.schema-directory", schemas.toString());
            // not the default port, which another archiver on this machine may have
            settings.put("camel.management.port", "0");
            ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "startup-bucket-test.log"));

            assertThat(archive.awaitExit()).isEqualTo(2);
            assertThat(archive.log()).contains("prism.s3.bucket names bucket 'no-such-bucket', which does not exist");
        }
    }
}
