package com.prism.lts.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.demo.Traffic;
import com.prism.lts.demo.TrafficSender;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import com.prism.lts.testing.ToolRun;
import com.prism.lts.testing.VersionOneFile;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.Provenance;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code prism-lts audit} of an archive written by the archiver from a real broker into a real S3 server, then
 * damaged the ways the issue lists. The steps share one archive and run in order; each undoes its damage.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditTest {

    static final String TOPIC = "audit-events";
    static final int EVENTS = 600;

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    @Order(1)
    void a_complete_archive_exits_0_and_a_dead_lettered_record_is_reported_as_dead_lettered() throws Exception {
        TESTBED.kafka().createTopic(TOPIC, 3);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            new TrafficSender(producer).send(new Traffic(TOPIC, EVENTS, 5, LocalDate.of(2018, 1, 1), 3, 0, 4),
                    Events.DEMO_SCHEMA_ID, sent -> { });
            producer.send(new ProducerRecord<>(TOPIC, 1, null, "not avro".getBytes())).get();
        }
        archive(TOPIC, EVENTS, EVENTS + 1);

        ToolRun audit = audit(TOPIC);

        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
        assertThat(audit.out()).contains("Complete: nothing is missing.");
        JsonNode json = json(TOPIC);
        assertThat(json.get("complete").asBoolean()).isTrue();
        long archived = 0;
        for (JsonNode partition : json.get("topics").get(0).get("partitions")) {
            archived += partition.get("archived").asLong();
            assertThat(partition.get("missing")).isEmpty();
            assertThat(partition.get("dead_lettered").asLong()).isEqualTo(partition.get("partition").asInt() == 1
                    ? 1 : 0);
        }
        assertThat(archived).isEqualTo(EVENTS);
        // the first audit read each file's header once; the second found them all in its index
        assertThat(json.get("topics").get(0).get("headers_read").asInt()).isZero();
    }

    @Test
    @Order(2)
    void a_file_copied_under_another_key_is_reported_as_its_offsets_archived_twice() {
        String file = files().get(2);
        String copy = file.replace(".avro", "-1.avro");
        TESTBED.s3().client().copyObject(b -> b.sourceBucket(Testbed.BUCKET).sourceKey(file)
                .destinationBucket(Testbed.BUCKET).destinationKey(copy));

        ToolRun audit = audit(TOPIC);

        long[] offsets = offsets(file);
        assertThat(audit.out()).contains("Archived twice: " + TOPIC + "-" + partitionOf(file) + " offsets ")
                .contains(String.format("(%,d offsets), in ", offsets.length)).contains(file).contains(copy);
        TESTBED.s3().client().deleteObject(b -> b.bucket(Testbed.BUCKET).key(copy));
    }

    @Test
    @Order(3)
    void after_deleting_a_file_exactly_its_offsets_are_missing_and_the_exit_code_is_not_0() {
        String file = files().get(5);
        long[] offsets = offsets(file);
        byte[] bytes = TESTBED.s3().client().getObjectAsBytes(b -> b.bucket(Testbed.BUCKET).key(file)).asByteArray();
        Map<String, String> metadata = TESTBED.s3().metadata(Testbed.BUCKET, file);
        TESTBED.s3().client().deleteObject(b -> b.bucket(Testbed.BUCKET).key(file));

        ToolRun audit = audit(TOPIC);

        assertThat(audit.exitCode()).isEqualTo(AuditCommand.INCOMPLETE);
        assertThat(audit.out()).contains("Gone: " + file).contains("INCOMPLETE");
        JsonNode partition = json(TOPIC).get("topics").get(0).get("partitions").get(partitionOf(file));
        List<Long> missing = new ArrayList<>();
        partition.get("missing").forEach(range -> {
            for (long o = range.get(0).asLong(); o <= range.get(1).asLong(); o++) {
                missing.add(o);
            }
        });
        assertThat(missing).containsExactlyElementsOf(Arrays.stream(offsets).boxed().toList());
        TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(file).metadata(metadata),
                RequestBody.fromBytes(bytes));
        assertThat(audit(TOPIC).exitCode()).isZero();
    }

    @Test
    @Order(4)
    void a_file_of_format_version_1_still_audits_and_is_counted() {
        VersionOneFile.rewrite(TESTBED.s3(), Testbed.BUCKET, files().get(1));

        ToolRun audit = audit(TOPIC);

        assertThat(audit.exitCode()).as(audit.out()).isZero();
        assertThat(audit.out()).contains("Format version 1: 1 files keep no keys, headers or timestamp types")
                .doesNotContain("Disagrees");
    }

    @Test
    @Order(5)
    void a_compacted_topic_with_gaps_audits_clean() throws Exception {
        String topic = "audit-compacted";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TESTBED.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "segment.ms", "100", "min.cleanable.dirty.ratio", "0.01", "min.compaction.lag.ms", "0",
                    "delete.retention.ms", "0")))).all().get();
        }
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 2, 8);
        int[] sent = {0};
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (int round = 0; round < 3; round++) {
                for (int key = 0; key < 20; key++) {
                    producer.send(record(topic, "key-" + key, demo, sent[0]++)).get();
                }
            }
            // the cleaner compacts closed segments only: new records roll the segment until it has
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                producer.send(record(topic, "roll-" + sent[0], demo, sent[0]++)).get();
                return TESTBED.kafka().readAll(topic).size() < sent[0] - 20;
            });
        }
        int held = TESTBED.kafka().readAll(topic).size();
        archive(topic, held, sent[0]);

        ToolRun audit = audit(topic);

        assertThat(audit.exitCode()).as(audit.out()).isZero();
        assertThat(audit.out()).contains("Skipped by Kafka: " + topic + "-0 offsets ");
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, DemoEvents demo, int i) {
        return new ProducerRecord<>(topic, 0, key.getBytes(), Events.wire(Events.DEMO_SCHEMA_ID, demo.event(i)));
    }

    /** Archives {@code topic} until {@code records} are in S3 and the group committed the log's end. */
    private static void archive(String topic, int records, long end) {
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.s3.prefix", "topics");
        settings.put("prism.kafka.group-id", "prism-lts");
        settings.put("prism.flush.size", "50");
        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == records);
            await().atMost(Duration.ofSeconds(30)).until(() -> TESTBED.kafka().committed("prism-lts", topic).values()
                    .stream().mapToLong(Long::longValue).sum() >= end);
        }
    }

    private static List<String> files() {
        return TESTBED.s3().keys(Testbed.BUCKET, "topics/" + TOPIC + "/");
    }

    private static long[] offsets(String file) {
        return Provenance.decode(TESTBED.s3().read(Testbed.BUCKET, file).meta().get(Provenance.OFFSETS));
    }

    private static int partitionOf(String file) {
        return ArchiveKey.parse(file).orElseThrow().partition();
    }

    private static JsonNode json(String topic) {
        ToolRun audit = ToolRun.of(args(topic, "--json"));
        try {
            return new ObjectMapper().readTree(audit.out());
        } catch (Exception e) {
            throw new AssertionError(audit.out() + audit.err(), e);
        }
    }

    private static ToolRun audit(String topic) {
        return ToolRun.of(args(topic));
    }

    private static List<String> args(String topic, String... more) {
        return Stream.concat(Stream.of("audit", "--topic", topic, "--bootstrap-servers",
                TESTBED.kafka().bootstrapServers(), "--group-id", "prism-lts", "--endpoint",
                TESTBED.s3().endpoint().toString(), "--path-style", "--access-key", EmbeddedS3.ACCESS_KEY,
                "--secret-key", EmbeddedS3.SECRET_KEY), Arrays.stream(more)).toList();
    }
}
