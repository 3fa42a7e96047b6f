package com.prism.lts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.Management;
import com.prism.lts.testing.Testbed;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On Kubernetes, environment variables are how operators set things: every setting must take one. */
class EnvironmentSettingsTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void environment_variables_override_camel_and_prism_settings_and_win_over_system_properties() {
        String topic = "from-env";
        TESTBED.kafka().createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID,
                    new DemoEvents(LocalDate.of(2018, 1, 4), 1, 1).event(0)));
        }
        // the test's settings arrive as system properties: camel.management.port=0, the prefix "from-env", a
        // Kafka session timeout of 6000
        Map<String, String> settings = TESTBED.settings(topic);
        int port = Management.freePort();
        Map<String, String> environment = Map.of(
                "CAMEL_MANAGEMENT_PORT", Integer.toString(port),
                "CAMEL_COMPONENT_KAFKA_SESSION_TIMEOUT_MS", "7000",
                "PRISM_S3_PREFIX", "prefix-from-env",
                "PRISM_FLUSH_SIZE", "1");

        try (ArchiveProcess archive = ArchiveProcess.start(List.of("-Xmx256m"), settings, environment,
                Path.of("target", "environment-settings-test.log"))) {
            Management management = new Management(port);
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.isAlive() && answers(management));
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> TESTBED.s3().objects(Testbed.BUCKET, "prefix-from-env/" + topic + "/").size() == 1);

            assertThat(TESTBED.s3().objects(Testbed.BUCKET, topic + "/")).isEmpty();
            // camel-main's start-up summary says which value each option got, and from where
            assertThat(archive.log()).containsPattern(
                    "\\[OS Environment Variable] +camel\\.component\\.kafka\\.sessionTimeoutMs = 7000");
        }
    }

    private static boolean answers(Management management) {
        try {
            return management.status("/observe/health/live") == 200;
        } catch (IllegalStateException notListening) {
            return false;
        }
    }
}
