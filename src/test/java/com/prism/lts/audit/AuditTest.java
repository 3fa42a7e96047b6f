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
import com.prism.lts.commit.CommitState;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.demo.Traffic;
import com.prism.lts.demo.TrafficSender;
import com.prism.lts.restore.RestoreHeaders;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RewrittenFile;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import com.prism.lts.testing.ToolRun;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.Provenance;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
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
        assertThat(missing(json(TOPIC), partitionOf(file))).containsExactlyElementsOf(
                Arrays.stream(offsets).boxed().toList());
        TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(file).metadata(metadata),
                RequestBody.fromBytes(bytes));
        assertThat(audit(TOPIC).exitCode()).isZero();
    }

    @Test
    @Order(4)
    void a_file_of_format_version_1_still_audits_and_is_counted() {
        RewrittenFile.asVersionOne(TESTBED.s3(), Testbed.BUCKET, files().get(1));

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

    @Test
    @Order(6)
    void files_of_an_earlier_topic_of_the_same_name_are_reported_apart_and_prove_nothing_of_the_current_one() {
        List<String> files = files();
        String current = TESTBED.kafka().topicId(TOPIC);
        String earlier = Uuid.randomUuid().toString();
        // a file of the current topic as the archiver writes it from now on (format version 3), and the files of an
        // earlier topic of the same name at the offsets of two others
        RewrittenFile.withTopicId(TESTBED.s3(), Testbed.BUCKET, files.get(0), files.get(0), current);
        String gone = files.get(2);
        List<String> earlierFiles = List.of(gone.replace(".avro", "-1.avro"), files.get(4).replace(".avro", "-1.avro"));
        RewrittenFile.withTopicId(TESTBED.s3(), Testbed.BUCKET, gone, earlierFiles.get(0), earlier);
        RewrittenFile.withTopicId(TESTBED.s3(), Testbed.BUCKET, files.get(4), earlierFiles.get(1), earlier);

        ToolRun audit = audit(TOPIC);

        assertThat(audit.exitCode()).as(audit.out()).isZero();
        assertThat(audit.out()).doesNotContain("Archived twice").contains("From an earlier topic of the same name: "
                + TOPIC + "-" + partitionOf(gone) + ": 1 file (topic id " + earlier + "), offsets ");
        JsonNode partition = json(TOPIC).get("topics").get(0).get("partitions").get(partitionOf(gone));
        assertThat(partition.get("earlier_topics").get(0).get("topic_id").asText()).isEqualTo(earlier);

        // without the current topic's file, the earlier topic's file at the same offsets proves nothing
        byte[] bytes = TESTBED.s3().client().getObjectAsBytes(b -> b.bucket(Testbed.BUCKET).key(gone)).asByteArray();
        Map<String, String> metadata = TESTBED.s3().metadata(Testbed.BUCKET, gone);
        TESTBED.s3().client().deleteObject(b -> b.bucket(Testbed.BUCKET).key(gone));
        ToolRun withoutIt = audit(TOPIC);
        assertThat(withoutIt.exitCode()).as(withoutIt.out()).isEqualTo(AuditCommand.INCOMPLETE);
        assertThat(missing(json(TOPIC), partitionOf(gone))).containsExactlyElementsOf(
                Arrays.stream(offsets(earlierFiles.get(0))).boxed().toList());

        TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(gone).metadata(metadata),
                RequestBody.fromBytes(bytes));
        earlierFiles.forEach(key -> TESTBED.s3().client().deleteObject(b -> b.bucket(Testbed.BUCKET).key(key)));
        assertThat(audit(TOPIC).exitCode()).isZero();
    }

    @Test
    @Order(7)
    void a_topic_neither_kafka_nor_the_archive_knows_is_an_error_and_leaves_no_index_behind() {
        ToolRun audit = audit("nosuch");

        assertThat(audit.exitCode()).isEqualTo(1);
        assertThat(audit.out()).isEmpty();
        assertThat(audit.err()).isEqualTo("prism-lts: neither Kafka at " + TESTBED.kafka().bootstrapServers()
                + " nor s3://prism-lts/topics/ knows a topic nosuch: check --topic\n");
        assertThat(TESTBED.s3().keys(Testbed.BUCKET, "topics/_prism/audit/nosuch")).isEmpty();
        ToolRun filesOnly = ToolRun.of(args("nosuch", "--files-only"));
        assertThat(filesOnly.exitCode()).isEqualTo(1);
        assertThat(filesOnly.err()).isEqualTo("prism-lts: s3://prism-lts/topics/ holds no files of a topic nosuch:"
                + " check --topic\n");
    }

    @Test
    @Order(8)
    void without_a_committed_offset_the_offsets_above_the_last_file_are_not_checked() throws Exception {
        // records of partition 2 that the archiver, not running now, has not read yet
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 5, 3);
            for (int i = 0; i < 5; i++) {
                producer.send(record(TOPIC, "late-" + i, demo, i, 2)).get();
            }
        }
        long end = TESTBED.kafka().endOffsets(TOPIC).get(2);

        ToolRun wrongGroup = ToolRun.of(argsOfGroup(TOPIC, "nobody"));

        assertThat(wrongGroup.exitCode()).as(wrongGroup.out()).isEqualTo(AuditCommand.INCOMPLETE);
        assertThat(wrongGroup.out()).contains("Not checked: " + TOPIC + "-2 offsets " + (end - 5) + "-" + (end - 1)
                + " (5 offsets): no committed offset for group nobody");
        // for the archiver's group they are above its committed offset: still to come, not a gap
        assertThat(audit(TOPIC).exitCode()).isZero();
    }

    @Test
    @Order(9)
    void a_topic_kafka_holds_records_of_and_the_archive_has_no_file_of_is_not_complete() throws Exception {
        String topic = "audit-unarchived";
        TESTBED.kafka().createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 1, 3);
            for (int i = 0; i < 3; i++) {
                producer.send(record(topic, "k" + i, demo, i, 0)).get();
            }
        }

        ToolRun uncommitted = audit(topic);
        commit(topic, 0, 3);
        ToolRun committed = audit(topic);

        assertThat(uncommitted.exitCode()).as(uncommitted.out()).isEqualTo(AuditCommand.INCOMPLETE);
        assertThat(uncommitted.out()).contains("Not checked: " + topic + "-0 offsets 0-2 (3 offsets): no committed"
                + " offset for group prism-lts");
        assertThat(committed.exitCode()).as(committed.out()).isEqualTo(AuditCommand.INCOMPLETE);
        assertThat(committed.out()).contains("Missing: " + topic + "-0 offsets 0-2 (3 offsets)");
    }

    @Test
    @Order(10)
    void a_copy_restore_produced_into_the_log_is_accounted_for_by_the_archived_record_it_copies() throws Exception {
        long[] archived = files().stream().filter(f -> partitionOf(f) == 0).findFirst().map(AuditTest::offsets)
                .orElseThrow();
        long first;
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            first = producer.send(restoredCopy(archived[0])).get().offset();
            producer.send(restoredCopy(archived[1])).get();
            // a copy of a record the archive does not hold
            producer.send(restoredCopy(999_999)).get();
        }
        // the archiver skips restored copies of its own partition and commits past them
        commit(TOPIC, 0, first + 3);

        ToolRun audit = audit(TOPIC);

        assertThat(audit.exitCode()).as(audit.out()).isEqualTo(AuditCommand.INCOMPLETE);
        assertThat(audit.out()).contains("Restored copies: " + TOPIC + "-0 offsets " + first + "-" + (first + 1)
                + " (2 offsets)").contains("Missing: " + TOPIC + "-0 offsets " + (first + 2) + " (1 offsets)");
    }

    @Test
    @Order(11)
    void a_committed_offset_whose_state_names_an_earlier_topic_of_the_same_name_is_not_this_topics() throws Exception {
        String topic = "audit-recreated";
        TESTBED.kafka().createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 1, 5);
            for (int i = 0; i < 5; i++) {
                producer.send(record(topic, "k" + i, demo, i, 0)).get();
            }
        }
        String earlier = Uuid.randomUuid().toString();
        // an archiver still reading the earlier topic of this name committed its offset 3 on the topic of today,
        // with a state that names the earlier one, in the second before it saw the topic deleted and created again
        commit(topic, 0, 3, "prism1:" + CommitState.empty(0, Uuid.fromString(earlier)).toText(3));
        ToolRun inline = audit(topic);
        String key = "topics/_prism/commit-state/prism-lts/" + topic + "/0/00000000000000000003-state";
        TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(key),
                RequestBody.fromBytes(CommitState.empty(0, Uuid.fromString(earlier)).encode(3)));
        commit(topic, 0, 3, "prism1:s3:" + key);
        ToolRun inS3 = audit(topic);
        JsonNode staleJson = json(topic).get("topics").get(0).get("partitions").get(0);
        // the same offset with a state of the topic of today is its committed offset
        Uuid today = Uuid.fromString(TESTBED.kafka().topicId(topic));
        commit(topic, 0, 3, "prism1:" + CommitState.empty(0, today).toText(3));
        ToolRun current = audit(topic);

        for (ToolRun stale : List.of(inline, inS3)) {
            assertThat(stale.exitCode()).as(stale.out()).isEqualTo(AuditCommand.INCOMPLETE);
            assertThat(stale.out()).contains("Not checked: " + topic + "-0 offsets 0-4 (5 offsets): the committed"
                    + " offset of group prism-lts, 3, was committed for an earlier topic of the same name (topic id "
                    + earlier + ")").doesNotContain("Missing");
        }
        assertThat(staleJson.get("committed").asLong()).isEqualTo(-1);
        assertThat(staleJson.get("committed_for_earlier_topic").get("topic_id").asText()).isEqualTo(earlier);
        assertThat(staleJson.get("committed_for_earlier_topic").get("offset").asLong()).isEqualTo(3);
        assertThat(current.exitCode()).as(current.out()).isEqualTo(AuditCommand.INCOMPLETE);
        assertThat(current.out()).contains("Missing: " + topic + "-0 offsets 0-2 (3 offsets)")
                .doesNotContain("Not checked");
    }

    private static ProducerRecord<byte[], byte[]> restoredCopy(long sourceOffset) {
        List<Header> headers = List.of(header(RestoreHeaders.SOURCE_TOPIC, TOPIC),
                header(RestoreHeaders.SOURCE_PARTITION, "0"), header(RestoreHeaders.SOURCE_OFFSET,
                        Long.toString(sourceOffset)), header(RestoreHeaders.JOB, "0123456789ab"));
        return new ProducerRecord<>(TOPIC, 0, (byte[]) null, "a restored copy".getBytes(), headers);
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes());
    }

    private static void commit(String topic, int partition, long offset) throws Exception {
        commit(topic, partition, offset, "");
    }

    private static void commit(String topic, int partition, long offset, String metadata) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TESTBED.kafka().bootstrapServers()))) {
            admin.alterConsumerGroupOffsets("prism-lts", Map.of(new TopicPartition(topic, partition),
                    new OffsetAndMetadata(offset, metadata))).all().get();
        }
    }

    private static List<Long> missing(JsonNode audit, int partition) {
        List<Long> missing = new ArrayList<>();
        audit.get("topics").get(0).get("partitions").get(partition).get("missing").forEach(range -> {
            for (long o = range.get(0).asLong(); o <= range.get(1).asLong(); o++) {
                missing.add(o);
            }
        });
        return missing;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, DemoEvents demo, int i) {
        return record(topic, key, demo, i, 0);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, DemoEvents demo, int i,
            int partition) {
        return new ProducerRecord<>(topic, partition, key.getBytes(), Events.wire(Events.DEMO_SCHEMA_ID,
                demo.event(i)));
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
        return argsOfGroup(topic, "prism-lts", more);
    }

    private static List<String> argsOfGroup(String topic, String group, String... more) {
        return Stream.concat(Stream.of("audit", "--topic", topic, "--bootstrap-servers",
                TESTBED.kafka().bootstrapServers(), "--group-id", group, "--endpoint",
                TESTBED.s3().endpoint().toString(), "--path-style", "--access-key", EmbeddedS3.ACCESS_KEY,
                "--secret-key", EmbeddedS3.SECRET_KEY), Arrays.stream(more)).toList();
    }
}
