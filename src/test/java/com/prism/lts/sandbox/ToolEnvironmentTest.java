package com.prism.lts.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.prism.lts.PrismLts;
import com.prism.lts.demo.Traffic;
import com.prism.lts.demo.TrafficSender;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.JavaProcess;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.TestSettings;
import com.prism.lts.testing.Testbed;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lines the sandbox prints for another terminal: with those environment variables, and nothing else, each tool
 * finds the sandbox's Kafka, S3 server and schemas, in a JVM of its own as a user would run it.
 */
class ToolEnvironmentTest {

    static final String TOPIC = "tool-environment";

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void with_the_variables_the_sandbox_exports_ls_cat_audit_restore_and_send_need_no_options() throws Exception {
        TESTBED.kafka().createTopic(TOPIC, 1);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            new TrafficSender(producer).send(new Traffic(TOPIC, 40, 2, LocalDate.of(2018, 1, 1), 1, 0, 3),
                    Events.DEMO_SCHEMA_ID, sent -> { });
        }
        Map<String, String> settings = TestSettings.of(TESTBED.kafka(), TESTBED.s3(), TESTBED.schemas(), TOPIC);
        settings.put("prism.kafka.group-id", "prism-lts");
        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == 40
                    && TESTBED.kafka().committed("prism-lts", TOPIC).getOrDefault(0, 0L) == 40);
        }
        Map<String, String> variables = ToolEnvironment.variables(TESTBED.kafka().bootstrapServers(),
                TESTBED.s3().settings(), TESTBED.schemas(), TOPIC);

        assertThat(ToolEnvironment.exports(variables)).contains("export PRISM_S3_ENDPOINT="
                + TESTBED.s3().endpoint(), "export PRISM_S3_PATH_STYLE=true");
        assertThat(tool(variables, "ls")).contains("tool-environment  2018-01-01").contains("all days");
        assertThat(tool(variables, "cat", "--day", "2018-01-02")).contains("\"topic\":\"tool-environment\"");
        assertThat(tool(variables, "audit")).contains("Complete: nothing is missing.");
        assertThat(tool(variables, "restore", "--topic", TOPIC, "--from", "2018-01-01", "--to", "2018-01-02",
                "--to-topic", TOPIC + ".restored", "--create-topic")).contains("Restored " + TOPIC);
        tool(variables, "send", "--count", "10", "--partitions", "1");
        assertThat(TESTBED.kafka().readAll(TOPIC + ".restored")).hasSize(40);
        assertThat(TESTBED.kafka().readAll(TOPIC)).hasSize(50);
    }

    /** What the tool printed, run as {@code java ... prism-lts <args>} with only {@code variables} set. */
    private static String tool(Map<String, String> variables, String... args) {
        Path log = Path.of("target", "tool-environment", args[0] + ".log");
        try (JavaProcess tool = JavaProcess.startWithEnvironment(new HashMap<>(variables), PrismLts.class.getName(),
                List.of(args), log)) {
            assertThat(tool.awaitExit()).as(tool.log()).isZero();
            return tool.log();
        }
    }
}
