package com.prism.lts.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.EmbeddedKafka;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RegistryStandIn;
import com.prism.lts.testing.Testbed;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogsTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void the_start_lists_the_settings_in_force_each_uploaded_file_gets_a_line_in_words_and_no_secret_is_logged() {
        String log = archiveOneRecord("logged", Map.of("PRISM_FLUSH_SIZE", "100"));

        assertThat(log).contains("Prism LTS settings in force (docs/configuration.md):")
                .contains("    prism.flush.size = 100 (environment variable PRISM_FLUSH_SIZE)")
                .contains("    prism.s3.bucket = prism-lts (default)")
                .contains("    prism.s3.prefix = logged (system property)")
                .contains("    prism.s3.secret-key = xxxxxx (system property)")
                .contains("    prism.schema-registry.password = xxxxxx (system property)")
                .contains("    prism.schema-registry.username = archiver (system property)")
                .contains("Archived s3://prism-lts/logged/logged/year=2018/month=01/day=04/"
                        + "logged+0+0000000000.avro: 1 records, offsets 0 to 0 of logged-0")
                .doesNotContain(EmbeddedS3.SECRET_KEY)
                .doesNotContain("registry-Pa55word");
    }

    @Test
    void with_prism_log_format_json_every_line_is_a_json_object_with_the_same_words() {
        String log = archiveOneRecord("logged-json", Map.of("PRISM_LOG_FORMAT", "json"));

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = log.lines().map(line -> {
            try {
                return json.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON object: " + line, e);
            }
        }).toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line.path("log.level").asText()).isNotEmpty());
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.path("message").asText()).startsWith("Archived s3://prism-lts/logged-json/logged-json/"
                    + "year=2018/month=01/day=04/logged-json+0+0000000000.avro: 1 records, offsets 0 to 0 of"
                    + " logged-json-0");
            assertThat(line.path("log.logger").asText()).isEqualTo("com.prism.lts.archived");
        });
        assertThat(log).doesNotContain(EmbeddedS3.SECRET_KEY).doesNotContain("registry-Pa55word");
    }

    /** Runs the archiver in its own JVM until it committed one record of {@code topic}; returns its log. */
    private static String archiveOneRecord(String topic, Map<String, String> environment) {
        EmbeddedKafka kafka = TESTBED.kafka();
        kafka.createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID,
                    new DemoEvents(LocalDate.of(2018, 1, 4), 1, 1).event(0)));
        }
        Map<String, String> settings = TESTBED.settings(topic);
        String group = settings.get("prism.kafka.group-id");

        try (RegistryStandIn registry = RegistryStandIn.start()) {
            registry.put(Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
            settings.remove("prism.schema-directory");
            settings.put("prism.schema-registry.url", registry.url().toString());
            settings.put("prism.schema-registry.username", "archiver");
            settings.put("prism.schema-registry.password", "registry-Pa55word");
            try (ArchiveProcess archive = ArchiveProcess.start(List.of("-Xmx256m"), settings, environment,
                    Path.of("target", topic + "-test.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(group, topic).get(0),
                        offset -> offset != null && offset == 1);
                archive.terminate();
                return archive.log();
            }
        }
    }
}
