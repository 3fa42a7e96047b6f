package com.prism.lts.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import com.prism.lts.config.RegistryAccess;
import com.prism.lts.decode.RegistrySchemaSource;
import com.prism.lts.testing.EmbeddedKafka;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.RegistryStandIn;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.TestSettings;
import com.prism.lts.testing.Testbed;
import com.prism.lts.testing.ToolRun;
import com.prism.lts.write.ArchiveKey;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prism-lts send} against a real broker. No schema registry server can be run here: {@link RegistryStandIn}
 * answers the Confluent API calls that send and the archiver make.
 */
class SendToolTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    static EmbeddedKafka kafka;
    static EmbeddedS3 s3;
    static RegistryStandIn registry;
    @TempDir
    static Path temp;

    @BeforeAll
    static void start() {
        kafka = TESTBED.kafka();
        s3 = TESTBED.s3();
        registry = RegistryStandIn.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void send_registers_the_schema_and_the_archiver_archives_every_event_it_sent() throws Exception {
        String topic = "send-registry";
        ToolRun send = ToolRun.of("send", "--bootstrap-servers", kafka.bootstrapServers(), "--registry",
                registry.url().toString(), "--topic", topic, "--count", "700", "--days", "4", "--partitions", "3",
                "--seed", "7");

        assertThat(send.exitCode()).as(send.err()).isZero();
        assertThat(send.out()).contains("Sent 700 events to send-registry, spread over 3 partitions")
                .contains("Their metric_date runs from 2018-01-01 to 2018-01-04; --seed 7")
                .contains("registered as subject send-registry-value");
        Matcher id = Pattern.compile("Schema id (\\d+), registered").matcher(send.out());
        assertThat(id.find()).isTrue();
        int schemaId = Integer.parseInt(id.group(1));
        assertThat(new RegistrySchemaSource(registry.url(), RegistryAccess.none()).schema(schemaId))
                .isEqualTo(DemoEvents.SCHEMA);
        List<ConsumerRecord<byte[], byte[]>> sent = kafka.readAll(topic);
        assertThat(sent).hasSize(700).allSatisfy(record -> assertThat(schemaIdOf(record.value())).isEqualTo(schemaId));
        assertThat(sent.stream().map(ConsumerRecord::partition).distinct()).containsExactlyInAnyOrder(0, 1, 2);

        Map<String, String> settings = TestSettings.of(kafka, s3, temp, topic);
        settings.remove("prism.schema-directory");
        settings.put("prism.schema-registry.url", registry.url().toString());
        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.metrics().recordsArchived() == 700);
        }

        DemoEvents events = new DemoEvents(LocalDate.of(2018, 1, 1), 4, 7);
        List<String> archived = new ArrayList<>();
        for (String key : s3.keys("prism-lts", "topics/" + topic + "/")) {
            LocalDate day = ArchiveKey.parse(key).orElseThrow().day();
            for (GenericRecord record : s3.read("prism-lts", key).records()) {
                assertThat(record.get("metric_date").toString()).isEqualTo(day.toString());
                archived.add(record.get("event_id").toString());
            }
            assertThat(s3.metadata("prism-lts", key)).containsEntry("schema-id", Integer.toString(schemaId));
        }
        assertThat(archived).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 700)
                .mapToObj(i -> events.event(i).get("event_id").toString()).toList());
    }

    @Test
    void without_a_registry_send_writes_the_schema_file_and_reports_progress_at_its_rate() throws Exception {
        Path schemas = temp.resolve("schemas");
        ToolRun send = ToolRun.of("send", "-b", kafka.bootstrapServers(), "--schema-dir", schemas.toString(),
                "--schema-id", "5", "--topic", "send-directory", "--count", "30", "--rate", "20", "--partitions", "1",
                "--days", "1");

        assertThat(send.exitCode()).as(send.err()).isZero();
        assertThat(send.outLines()).anyMatch(line -> line.matches("  sent \\d+ of 30 events"));
        assertThat(send.out()).contains("Schema id 5, written to " + schemas.resolve("5.avsc"));
        assertThat(new Schema.Parser().parse(Files.readString(schemas.resolve("5.avsc"))))
                .isEqualTo(DemoEvents.SCHEMA);
        assertThat(kafka.readAll("send-directory")).hasSize(30)
                .allSatisfy(record -> assertThat(schemaIdOf(record.value())).isEqualTo(5));
    }

    @Test
    void an_unreachable_broker_is_one_line_and_exit_code_1() {
        int port = ToolRun.unusedPort();
        ToolRun send = ToolRun.of("send", "-b", "127.0.0.1:" + port, "--schema-dir", temp.toString());

        assertThat(send.exitCode()).isEqualTo(1);
        assertThat(send.err()).isEqualTo("prism-lts: cannot reach Kafka at 127.0.0.1:" + port
                + " (Connection refused)\n");
    }

    @Test
    void an_unreachable_or_failing_registry_is_one_line_and_exit_code_1() {
        String unreachable = "http://127.0.0.1:" + ToolRun.unusedPort();
        ToolRun send = ToolRun.of("send", "-b", kafka.bootstrapServers(), "--registry", unreachable, "-t", "r1");

        assertThat(send.exitCode()).isEqualTo(1);
        assertThat(send.err()).isEqualTo("prism-lts: cannot reach the schema registry at " + unreachable + "\n");

        registry.failWith(500);
        try {
            ToolRun refused = ToolRun.of("send", "-b", kafka.bootstrapServers(), "--registry",
                    registry.url().toString(), "-t", "r2");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo("prism-lts: schema registry " + registry.url()
                    + "/ did not register the schema of subject r2-value: HTTP 500\n");
        } finally {
            registry.failWith(0);
        }
    }

    @Test
    void a_topic_with_fewer_partitions_than_asked_for_is_refused() {
        kafka.createTopic("one-partition", 1);
        ToolRun send = ToolRun.of("send", "-b", kafka.bootstrapServers(), "--schema-dir", temp.toString(), "-t",
                "one-partition", "--partitions", "3");

        assertThat(send.exitCode()).isEqualTo(1);
        assertThat(send.err()).isEqualTo("prism-lts: topic one-partition has fewer partitions (1) than the 3"
                + " asked for: send with --partitions 1, or add partitions to the topic\n");
    }

    @Test
    void neither_registry_nor_schema_directory_is_a_usage_error() {
        ToolRun send = ToolRun.of("send", "-b", kafka.bootstrapServers(), "-t", "no-schema");

        assertThat(send.exitCode()).isEqualTo(2);
        assertThat(send.err()).startsWith("prism-lts send: Give --registry URL to register the schema, or --schema-dir"
                + " DIR").endsWith("See 'prism-lts send --help' for the options.\n");
    }

    private static int schemaIdOf(byte[] value) {
        assertThat(value[0]).isZero();
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }
}
