package com.prism.lts.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.prism.lts.config.InvalidSettingsException;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.LogCapture;
import com.prism.lts.testing.Management;
import com.prism.lts.testing.PrivateCa;
import com.prism.lts.testing.RegistryStandIn;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.SecuredKafka;
import com.prism.lts.testing.TestSettings;
import com.prism.lts.testing.ToolRun;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The archiver, its dead-letter route, {@code send}, {@code audit} and {@code restore} against a broker whose only
 * client listeners are SASL_SSL (SCRAM-SHA-512) and SSL with client certificates, and a schema registry served over
 * HTTPS with basic authentication, all with certificates of a private CA made when the class starts. And what each
 * says when it is refused: one sentence naming the cause, never a stack trace, never a secret.
 */
class SecuredClusterTest {

    private static final String BUCKET = "prism-lts";
    private static final String USER = "prism";
    private static final String PASSWORD = "scram-Pa55word";
    private static final String REGISTRY_USER = "archiver";
    private static final String REGISTRY_PASSWORD = "registry-Pa55word";
    private static final PrivateCa CA = PrivateCa.create("Prism test CA");

    private static SecuredKafka kafka;
    private static EmbeddedS3 s3;
    private static RegistryStandIn registry;
    private static Path files;
    private static Path caFile;
    private static Path clientCertificate;
    private static Path clientKey;

    @BeforeAll
    static void start() {
        kafka = SecuredKafka.start(CA);
        kafka.createUser(USER, PASSWORD);
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
        registry = RegistryStandIn.startHttps(CA.issue("localhost"), Optional.empty());
        registry.requireBasicAuthentication(REGISTRY_USER, REGISTRY_PASSWORD);
        files = kafka.files();
        caFile = CA.writePem(files.resolve("ca.pem"));
        clientCertificate = CA.issue("prism-lts").writePem(files, "client");
        clientKey = files.resolve("client.key");
    }

    @AfterAll
    static void stop() {
        registry.close();
        s3.close();
        kafka.close();
    }

    @Test
    void over_sasl_scram_the_archiver_archives_and_dead_letters_with_a_registry_over_https_and_shows_no_secret() {
        String topic = "scram";
        kafka.createTopic(topic, 2);
        List<GenericRecord> sent = sendEvents(topic, 20);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            Events.send(producer, topic, 1, null, "not avro".getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> settings = saslSettings(topic, PASSWORD);
        Management management = new Management(Management.freePort());
        settings.put("camel.management.port", Integer.toString(management.port()));

        try (LogCapture log = LogCapture.all(); RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(settings.get("prism.kafka.group-id"),
                    topic).equals(kafka.endOffsets(topic)));
            assertThat(management.status("/observe/health/ready")).isEqualTo(200);
            assertThat(management.get("/observe/metrics").body() + management.get("/observe/health").body())
                    .contains("prism_records_archived_total").doesNotContain(PASSWORD)
                    .doesNotContain(REGISTRY_PASSWORD);

            assertThat(ArchiveContents.read(s3, BUCKET, topic + "/").records())
                    .extracting(ArchiveContents.Archived::event).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(kafka.readAll(topic + ".dlq")).singleElement()
                    .satisfies(dead -> assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(
                            "not avro"));
            assertThat(String.join("\n", log.lines())).doesNotContain(PASSWORD).doesNotContain(REGISTRY_PASSWORD)
                    .doesNotContain(EmbeddedS3.SECRET_KEY);
        }
    }

    @Test
    void send_the_archiver_audit_and_restore_work_over_mutual_tls_and_sasl_scram() throws IOException {
        String topic = "mutual";
        Path commandConfig = Files.writeString(files.resolve("scram.properties"), String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + USER + "\" password=\"" + PASSWORD + "\";",
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + caFile));
        System.setProperty("prism.schema-registry.ssl.ca-location", caFile.toString());
        ToolRun send;
        try {
            send = ToolRun.of("send", "--bootstrap-servers", kafka.saslSsl(), "--command-config",
                    commandConfig.toString(), "--registry", registry.url().toString(), "--registry-username",
                    REGISTRY_USER, "--registry-password", REGISTRY_PASSWORD, "--topic", topic, "--count", "40",
                    "--days", "2", "--partitions", "2");
        } finally {
            System.clearProperty("prism.schema-registry.ssl.ca-location");
        }
        assertThat(send.exitCode()).as(send.err()).isZero();

        Map<String, String> settings = TestSettings.of(kafka, s3, files, topic);
        settings.put("prism.s3.prefix", topic);
        settings.putAll(registrySettings());
        settings.put("prism.kafka.bootstrap-servers", kafka.mutualTls());
        settings.put("prism.kafka.security.protocol", "SSL");
        settings.put("prism.kafka.ssl.ca-location", caFile.toString());
        settings.put("prism.kafka.ssl.certificate-location", clientCertificate.toString());
        settings.put("prism.kafka.ssl.key-location", clientKey.toString());
        String group = settings.get("prism.kafka.group-id");
        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(group, topic).values().stream()
                    .mapToLong(Long::longValue).sum() == 40);
        }

        Path keystore = CA.issue("auditor").writeKeystore(files.resolve("auditor.p12"), "keystore-Pa55word");
        Path truststore = CA.writeTruststore(files.resolve("truststore.p12"), "truststore-Pa55word");
        ToolRun audit = tool("audit", topic, kafka.mutualTls(), "--group-id", group, "--security-protocol", "SSL",
                "--ssl-truststore-location", truststore.toString(), "--ssl-truststore-password", "truststore-Pa55word",
                "--ssl-keystore-location", keystore.toString(), "--ssl-keystore-password", "keystore-Pa55word");
        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();

        ToolRun restore = tool("restore", topic, kafka.saslSsl(), "--from", "2018-01-01", "--to", "2018-01-02",
                "--to-topic", "{topic}.restored", "--create-topic", "--security-protocol", "SASL_SSL",
                "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-username", USER, "--sasl-password", PASSWORD,
                "--ssl-ca-location", caFile.toString());
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(kafka.readAll(topic + ".restored")).hasSize(40);
    }

    @Test
    void each_tool_refused_by_kafka_says_why_in_one_sentence_without_a_stack_trace_or_the_secret() {
        Path otherCa = PrivateCa.create("Someone else's CA").writePem(files.resolve("other-ca.pem"));
        Path expired = CA.issueExpired("expired").writePem(files, "expired");

        ToolRun wrongPassword = ToolRun.of("send", "--topic", "tools", "--bootstrap-servers", kafka.saslSsl(),
                "--schema-dir", files.toString(), "--security-protocol", "SASL_SSL", "--sasl-mechanism",
                "SCRAM-SHA-512", "--sasl-username", USER, "--sasl-password", "not-the-Pa55word", "--ssl-ca-location",
                caFile.toString());
        ToolRun unknownCa = tool("audit", "tools", kafka.mutualTls(), "--security-protocol", "SSL",
                "--ssl-ca-location", otherCa.toString(), "--ssl-certificate-location", clientCertificate.toString(),
                "--ssl-key-location", clientKey.toString());
        ToolRun noClientCertificate = tool("audit", "tools", kafka.mutualTls(), "--security-protocol", "SSL",
                "--ssl-ca-location", caFile.toString());
        ToolRun expiredCertificate = tool("restore", "tools", kafka.mutualTls(), "--from", "2018-01-01",
                "--to-topic", "x", "--security-protocol", "SSL", "--ssl-ca-location", caFile.toString(),
                "--ssl-certificate-location", expired.toString(), "--ssl-key-location",
                files.resolve("expired.key").toString());

        assertThat(wrongPassword.err()).isEqualTo("prism-lts: Kafka at " + kafka.saslSsl() + " refused the user"
                + " name or password (SASL SCRAM-SHA-512): check --sasl-username and --sasl-password\n");
        assertThat(unknownCa.err()).isEqualTo("prism-lts: Kafka at " + kafka.mutualTls() + " shows a certificate"
                + " that no CA this client trusts has signed: set --ssl-ca-location (a PEM file) or"
                + " --ssl-truststore-location to the CA that signed it\n");
        assertThat(noClientCertificate.err()).isEqualTo("prism-lts: Kafka at " + kafka.mutualTls() + " asks for a"
                + " client certificate (mutual TLS) and none is set: set --ssl-certificate-location and"
                + " --ssl-key-location, or --ssl-keystore-location\n");
        assertThat(expiredCertificate.err()).startsWith("prism-lts: Invalid configuration:\n  - "
                + "--ssl-certificate-location holds the client certificate CN=expired,O=Prism LTS tests, which"
                + " expired on ").endsWith("; renew it\n");
        assertThat(List.of(wrongPassword, unknownCa, noClientCertificate, expiredCertificate)).allSatisfy(run -> {
            assertThat(run.exitCode()).isNotZero();
            assertThat(run.out() + run.err()).doesNotContain("\tat ").doesNotContain("not-the-Pa55word");
        });
    }

    @Test
    void the_archiver_refused_by_kafka_or_the_registry_stops_at_start_saying_why_in_one_sentence() {
        Map<String, String> untrustedRegistry = saslSettings("refused", PASSWORD);
        untrustedRegistry.remove("prism.schema-registry.ssl.ca-location");
        Map<String, String> wrongRegistryPassword = saslSettings("refused", PASSWORD);
        wrongRegistryPassword.put("prism.schema-registry.password", "not-the-registry-Pa55word");

        assertThat(refusal(saslSettings("refused", "not-the-Pa55word"))).isEqualTo("Kafka at " + kafka.saslSsl()
                + " refused the user name or password (SASL SCRAM-SHA-512): check prism.kafka.sasl.username and"
                + " prism.kafka.sasl.password");
        assertThat(refusal(untrustedRegistry)).isEqualTo("schema registry " + registry.url() + "/ shows a"
                + " certificate that no CA this client trusts has signed: set prism.schema-registry.ssl.ca-location"
                + " (a PEM file) or prism.schema-registry.ssl.truststore-location to the CA that signed it");
        assertThat(refusal(wrongRegistryPassword)).isEqualTo("schema registry " + registry.url() + "/ refused the"
                + " credentials (HTTP 401): check prism.schema-registry.username and prism.schema-registry.password");
        try (RegistryStandIn expired = RegistryStandIn.startHttps(CA.issueExpired("localhost"), Optional.empty())) {
            Map<String, String> settings = saslSettings("refused", PASSWORD);
            settings.put("prism.schema-registry.url", expired.url().toString());
            assertThat(refusal(settings)).startsWith("schema registry " + expired.url() + "/ shows a certificate"
                    + " that has expired or is not valid yet (NotAfter: ");
        }
    }

    @Test
    void run_with_a_wrong_kafka_password_exits_with_code_2_and_one_sentence_that_holds_no_secret() {
        Map<String, String> settings = saslSettings("run-refused", "not-the-Pa55word");
        try (ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "secured-run-test.log"))) {
            assertThat(archive.awaitExit()).isEqualTo(2);
            assertThat(archive.log()).contains("prism-lts: Invalid configuration:\n  - Kafka at " + kafka.saslSsl()
                    + " refused the user name or password (SASL SCRAM-SHA-512): check prism.kafka.sasl.username and"
                    + " prism.kafka.sasl.password").doesNotContain("\tat ").doesNotContain("not-the-Pa55word")
                    .doesNotContain(REGISTRY_PASSWORD);
        }
    }

    /** Why the archiver did not start with {@code settings}. */
    private static String refusal(Map<String, String> settings) {
        Throwable failure = catchThrowable(() -> RunningArchive.start(settings).close());
        InvalidSettingsException invalid = ObjectHelper.getException(InvalidSettingsException.class, failure);
        assertThat(invalid).as("the start failed for a setting: %s", failure).isNotNull();
        return invalid.problems().stream().reduce((a, b) -> a + " / " + b).orElseThrow();
    }

    private static List<GenericRecord> sendEvents(String topic, int count) {
        registry.put(Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 2, 5);
        List<GenericRecord> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (int i = 0; i < count; i++) {
                GenericRecord event = demo.event(i);
                sent.add(event);
                Events.send(producer, topic, i % 2, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
            }
        }
        return sent;
    }

    /** The archiver over SASL_SSL (SCRAM-SHA-512, the private CA), with the registry over HTTPS. */
    private static Map<String, String> saslSettings(String topic, String password) {
        Map<String, String> settings = TestSettings.of(kafka, s3, files, topic);
        settings.put("prism.s3.prefix", topic);
        settings.putAll(registrySettings());
        settings.put("prism.kafka.bootstrap-servers", kafka.saslSsl());
        settings.put("prism.kafka.security.protocol", "SASL_SSL");
        settings.put("prism.kafka.sasl.mechanism", "SCRAM-SHA-512");
        settings.put("prism.kafka.sasl.username", USER);
        settings.put("prism.kafka.sasl.password", password);
        settings.put("prism.kafka.ssl.ca-location", caFile.toString());
        return settings;
    }

    private static Map<String, String> registrySettings() {
        return Map.of("prism.schema-directory", "",
                "prism.schema-registry.url", registry.url().toString(),
                "prism.schema-registry.username", REGISTRY_USER,
                "prism.schema-registry.password", REGISTRY_PASSWORD,
                "prism.schema-registry.ssl.ca-location", caFile.toString());
    }

    /** {@code audit} or {@code restore} of {@code topic} of {@code servers}, with the class's S3 server. */
    private static ToolRun tool(String command, String topic, String servers, String... more) {
        return ToolRun.of(Stream.concat(Stream.of(command, "--topic", topic, "--bootstrap-servers", servers,
                "--endpoint", s3.endpoint().toString(), "--path-style", "--access-key", EmbeddedS3.ACCESS_KEY,
                "--secret-key", EmbeddedS3.SECRET_KEY, "--prefix", topic), Stream.of(more)).toList());
    }
}
