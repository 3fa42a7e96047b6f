package com.prism.lts.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.LogCapture;
import com.prism.lts.testing.Management;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What Kubernetes probes and Prometheus see on the management port. */
class HealthAndMetricsTest {

    static final Path MONITORING = Path.of("kubernetes", "monitoring");

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void not_ready_until_the_kafka_consumer_has_joined_its_group_live_until_a_route_stops_for_good()
            throws Exception {
        Management management = new Management(Management.freePort());
        Map<String, String> settings = settings("joining", management);
        settings.put("prism.kafka.bootstrap-servers", "127.0.0.1:" + Management.freePort());
        try (RunningArchive unreachable = RunningArchive.start(settings)) {
            assertThat(management.get("/observe/health/ready").body()).contains("kafka-group");
            assertThat(management.status("/observe/health/ready")).isEqualTo(503);
            assertThat(management.status("/observe/health/live")).isEqualTo(200);
        }

        settings.put("prism.kafka.bootstrap-servers", TESTBED.kafka().bootstrapServers());
        try (RunningArchive joined = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> management.status("/observe/health/ready") == 200);
            assertThat(management.status("/observe/health/live")).isEqualTo(200);

            joined.context().getRouteController().stopRoute("archive");
            assertThat(management.status("/observe/health/live")).isEqualTo(503);
            assertThat(management.get("/observe/health/live").body()).contains("route archive is stopped");
        }
    }

    @Test
    void an_unreachable_kafka_is_said_once_then_again_with_since_when_and_readiness_names_it() {
        Management management = new Management(Management.freePort());
        String nobody = "127.0.0.1:" + Management.freePort();
        Map<String, String> settings = TESTBED.settings("unreachable");
        settings.put("camel.management.port", Integer.toString(management.port()));
        settings.put("prism.kafka.bootstrap-servers", nobody);
        settings.put("prism.kafka.check-interval-ms", "300");
        settings.put("prism.kafka.unreachable-log-interval-ms", "2000");

        try (LogCapture log = LogCapture.of(KafkaReachability.class);
                LogCapture kafkaClient = LogCapture.of(NetworkClient.class);
                RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> log.lines().size() >= 2);

            assertThat(log.lines().get(0)).isEqualTo("WARN Kafka cannot be reached at " + nobody + " (no broker"
                    + " answered within 300 ms): nothing is read or committed, and this replica is not ready, until a"
                    + " broker answers");
            assertThat(log.lines().get(1)).matches("WARN Kafka still cannot be reached at " + nobody.replace(".", "\\.")
                    + ", since \\S+Z \\(\\d+s ago\\): no broker answered within 300 ms");
            assertThat(kafkaClient.lines()).noneMatch(line -> line.contains("could not be established"));
            assertThat(management.status("/observe/health/ready")).isEqualTo(503);
            assertThat(management.get("/observe/health/ready").body())
                    .contains("Kafka cannot be reached at " + nobody + " since ");
        }
    }

    @Test
    void the_metrics_count_what_was_archived_dead_lettered_and_is_still_open() {
        String topic = "counted";
        TESTBED.kafka().createTopic(topic, 1);
        DemoEvents monday = new DemoEvents(LocalDate.of(2018, 1, 1), 1, 1);
        DemoEvents tuesday = new DemoEvents(LocalDate.of(2018, 1, 2), 1, 2);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (int i = 0; i < 10; i++) {
                Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, monday.event(i)));
            }
            Events.send(producer, topic, 0, null, Events.wire(99, monday.event(10)));
            Events.send(producer, topic, 0, null, "plain text".getBytes(StandardCharsets.UTF_8));
            for (int i = 11; i < 13; i++) {
                Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, monday.event(i)));
            }
            for (int i = 0; i < 3; i++) {
                Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, tuesday.event(i)));
            }
        }
        Management management = new Management(Management.freePort());
        Map<String, String> settings = settings(topic, management);
        settings.put("prism.flush.size", "5");
        settings.put("prism.flush.quiet-ms", "600000");
        settings.put("prism.flush.max-age-ms", "600000");

        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> management.metric("prism_commit_lag", Map.of("topic", topic, "partition", "0")) == 5);
            long bytes = TESTBED.s3().objects(Testbed.BUCKET, topic + "/").stream().mapToLong(o -> o.size()).sum();

            assertThat(management.metric("prism_records_archived_total")).isEqualTo(10);
            assertThat(management.metric("prism_files_written_total")).isEqualTo(2);
            assertThat(management.metric("prism_bytes_written_total")).isEqualTo(bytes);
            assertThat(management.metric("prism_upload_latency_seconds_count")).isEqualTo(2);
            assertThat(management.metric("prism_records_dead_lettered_total", Map.of("reason", "unknown-schema")))
                    .isEqualTo(1);
            assertThat(management.metric("prism_records_dead_lettered_total", Map.of("reason", "not-wire-format")))
                    .isEqualTo(1);
            assertThat(management.metric("prism_records_dead_lettered_total", Map.of("reason", "invalid-avro")))
                    .isZero();
            assertThat(management.metric("prism_batches_open")).isEqualTo(2);
            assertThat(management.metric("prism_batches_waiting")).isZero();
            assertThat(management.metric("prism_batches_oldest_age_seconds")).isPositive();
            assertThat(management.metric("prism_upload_failures_total")).isZero();
            assertThat(management.metric("prism_records_read_total")).isEqualTo(17);
        }
    }

    @Test
    void readiness_goes_down_and_upload_failures_rise_while_s3_is_down_then_both_recover() {
        String topic = "s3-down";
        TESTBED.kafka().createTopic(topic, 1);
        Management management = new Management(Management.freePort());
        Map<String, String> settings = settings(topic, management);
        settings.put("prism.flush.size", "1");
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 1, 3);

        try (RunningArchive archive = RunningArchive.start(settings);
                KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> management.status("/observe/health/ready") == 200);
            TESTBED.s3().stop();
            Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, demo.event(0)));
            await().atMost(Duration.ofSeconds(30)).until(() -> management.status("/observe/health/ready") == 503);
            assertThat(management.get("/observe/health/ready").body()).contains("s3-bucket");
            await().atMost(Duration.ofSeconds(30)).until(() -> management.metric("prism_upload_failures_total") >= 2);
            assertThat(management.status("/observe/health/live")).isEqualTo(200);

            TESTBED.s3().restart();
            await().atMost(Duration.ofSeconds(30)).until(() -> management.status("/observe/health/ready") == 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> management.metric("prism_records_archived_total") == 1);
        } finally {
            TESTBED.s3().restart();
        }
    }

    @Test
    void the_grafana_dashboard_and_the_alert_rules_name_only_metrics_the_archiver_serves() throws IOException {
        String topic = "watched";
        TESTBED.kafka().createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID,
                    new DemoEvents(LocalDate.of(2018, 1, 1), 1, 4).event(0)));
        }
        Management management = new Management(Management.freePort());
        List<String> expressions = new ArrayList<>();
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("prism-lts-dashboard.json").toFile());
        dashboard.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("type").asText().equals("query")) {
                expressions.add(variable.path("query").path("query").asText());
            }
        });
        new ObjectMapper(new YAMLFactory()).readTree(MONITORING.resolve("prism-lts-alerts.yaml").toFile())
                .findValues("expr").forEach(expr -> expressions.add(expr.asText()));

        try (RunningArchive archive = RunningArchive.start(settings(topic, management))) {
            // the commit lag of a partition is served once the partition is owned
            await().atMost(Duration.ofSeconds(30)).until(() -> management.metric("prism_commit_lag",
                    Map.of("topic", topic)) >= 0);
            Set<String> served = management.get("/observe/metrics").body().lines()
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.replaceAll("[{ ].*", "")).collect(Collectors.toSet());

            assertThat(expressions).hasSizeGreaterThanOrEqualTo(10).allSatisfy(expr -> assertThat(
                    metricsNamedIn(expr)).as(expr).isNotEmpty().allSatisfy(name -> assertThat(served).contains(name)));
            assertThat(expressions.stream().flatMap(expr -> metricsNamedIn(expr).stream())).contains(
                    "prism_records_archived_total", "prism_commit_lag", "prism_batches_open", "prism_batches_waiting",
                    "prism_upload_latency_seconds_count", "prism_upload_failures_total",
                    "prism_records_dead_lettered_total", "prism_ready");
        }
    }

    /** The metric names in a PromQL expression: what is left once strings, selectors, ranges and labels are out. */
    static Set<String> metricsNamedIn(String expr) {
        String left = expr.replaceAll("\"[^\"]*\"", " ").replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("label_values\\(([^,)]+),[^)]*\\)", "$1");
        Set<String> names = new TreeSet<>();
        Matcher name = Pattern.compile("\\b[a-zA-Z_:][a-zA-Z0-9_:]*\\b(?!\\s*\\()").matcher(left);
        while (name.find()) {
            if (!Set.of("and", "or", "unless", "bool", "offset").contains(name.group())) {
                names.add(name.group());
            }
        }
        return names;
    }

    private static Map<String, String> settings(String topic, Management management) {
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("camel.management.port", Integer.toString(management.port()));
        return settings;
    }
}
