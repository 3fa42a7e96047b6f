package com.prism.lts.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.prism.lts.PrismLts;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.demo.Traffic;
import com.prism.lts.demo.TrafficSender;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.JavaProcess;
import com.prism.lts.testing.RewrittenFile;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import com.prism.lts.testing.ToolRun;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.Provenance;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code prism-lts restore} against a real broker and a real S3 server: what it produces is compared, record by
 * record, with what was sent to the archived topic.
 */
class RestoreTest {

    static final String TOPIC = "restore-events";
    static final LocalDate FIRST_DAY = LocalDate.of(2018, 1, 1);
    static final int DAYS = 10;
    static final int EVENTS = 1_500;
    static final int EVENTS_AFTER_BIG = 300;
    static final int BIG_HEADER_BYTES = 25_000;
    static final Header[] THREE_HEADERS = {new RecordHeader("traceparent", bytes("00-4bf92f35-01")),
        new RecordHeader("retry", bytes("1")), new RecordHeader("retry", null)};

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    /** What the archived topic holds: the truth. */
    static List<ConsumerRecord<byte[], byte[]>> sent;
    static RecordMetadata withHeaders;
    static RecordMetadata big;

    @BeforeAll
    static void archive() throws Exception {
        TESTBED.kafka().createTopic(TOPIC, 3);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            new TrafficSender(producer).send(new Traffic(TOPIC, EVENTS - EVENTS_AFTER_BIG, DAYS, FIRST_DAY, 3, 0, 9),
                    Events.DEMO_SCHEMA_ID, acknowledged -> { });
            byte[] value = Events.wire(Events.DEMO_SCHEMA_ID, new DemoEvents(FIRST_DAY.plusDays(4), 1, 5).event(0));
            withHeaders = producer.send(new ProducerRecord<>(TOPIC, 0, 1_515_000_000_123L, new byte[] {1, 2, 3, -1},
                    value, Arrays.asList(THREE_HEADERS))).get();
            // a record of partition 1 that a target topic with a max.message.bytes of 20,000 refuses
            big = producer.send(new ProducerRecord<>(TOPIC, 1, (byte[]) null, value,
                    List.of(new RecordHeader("attachment", new byte[BIG_HEADER_BYTES])))).get();
            new TrafficSender(producer).send(new Traffic(TOPIC, EVENTS_AFTER_BIG, DAYS, FIRST_DAY, 3, 0, 10),
                    Events.DEMO_SCHEMA_ID, acknowledged -> { });
        }
        Map<String, String> settings = TESTBED.settings(TOPIC);
        settings.put("prism.flush.size", "40");
        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == EVENTS + 2);
        }
        sent = TESTBED.kafka().readAll(TOPIC);
        // the same file twice, as a crash could leave it: a restore produces its records once
        String twice = TESTBED.s3().keys(Testbed.BUCKET, TOPIC + "/").get(3);
        TESTBED.s3().client().copyObject(b -> b.sourceBucket(Testbed.BUCKET).sourceKey(twice)
                .destinationBucket(Testbed.BUCKET).destinationKey(twice.replace(".avro", "-1.avro")));
    }

    @Test
    void a_record_with_a_key_and_three_headers_comes_back_as_it_was_sent() {
        ToolRun restore = restore("--from", "2018-01-05", "--partition", "0", "--to-topic", "{topic}.one",
                "--create-topic");

        assertThat(restore.exitCode()).as(restore.err()).isZero();
        ConsumerRecord<byte[], byte[]> original = sent.stream().filter(r -> r.partition() == 0
                && r.offset() == withHeaders.offset()).findFirst().orElseThrow();
        ConsumerRecord<byte[], byte[]> restored = TESTBED.kafka().readAll(TOPIC + ".one").stream()
                .filter(r -> sourceOffset(r) == withHeaders.offset()).findFirst().orElseThrow();
        assertThat(restored.key()).containsExactly(1, 2, 3, -1);
        assertThat(restored.value()).isEqualTo(original.value());
        assertThat(restored.timestamp()).isEqualTo(1_515_000_000_123L);
        assertThat(restored.headers().toArray()).startsWith(THREE_HEADERS).hasSize(8);
        assertThat(text(restored, RestoreHeaders.SOURCE_TOPIC)).isEqualTo(TOPIC);
        assertThat(text(restored, RestoreHeaders.SOURCE_TOPIC_ID)).as("the id of the topic it was read from")
                .isEqualTo(TESTBED.kafka().topicId(TOPIC));
        assertThat(text(restored, RestoreHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(restored.partition()).isZero();
    }

    @Test
    void ten_days_over_three_partitions_come_back_as_archived_in_offset_order_each_offset_once() {
        ToolRun restore = restore("--from", "2018-01-01", "--to", "2018-01-10", "--to-topic", "{topic}.all",
                "--create-topic");

        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.out()).containsPattern("archived twice");
        assertRestoredExactlyOnce(TOPIC + ".all");
    }

    @Test
    void a_restore_killed_with_kill_9_and_run_again_produces_no_record_twice() {
        TESTBED.kafka().createTopic(TOPIC + ".killed", 3);
        List<String> args = args("--from", "2018-01-01", "--to", "2018-01-10", "--to-topic", "{topic}.killed");
        List<String> slowly = new ArrayList<>(args);
        slowly.addAll(List.of("--rate", "200"));
        try (JavaProcess first = JavaProcess.start(List.of("-Xmx256m"), Map.of(), PrismLts.class.getName(), slowly,
                Path.of("target", "restore-killed.log"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> TESTBED.kafka().readAll(TOPIC + ".killed").size()
                    >= 300);
            first.kill();
        }
        assertThat(TESTBED.kafka().readAll(TOPIC + ".killed").size()).isLessThan(EVENTS);

        ToolRun again = ToolRun.of(args);

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertRestoredExactlyOnce(TOPIC + ".killed");
    }

    @Test
    void a_record_the_target_refuses_for_good_stops_the_restore_naming_it_and_the_next_run_starts_at_it()
            throws Exception {
        String target = TOPIC + ".small";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TESTBED.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(target, 3, (short) 1).configs(Map.of("max.message.bytes",
                    "20000")))).all().get();
            List<String> args = args("--from", "2018-01-01", "--to", "2018-01-10", "--partition", "1",
                    "--to-topic", target);

            ToolRun refused = ToolRun.of(args);

            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).hasLineCount(1).startsWith("prism-lts: Kafka refused for good the record of "
                    + TOPIC + "-1 at offset " + big.offset() + ": it is larger than topic " + target
                    + " accepts (its max.message.bytes");
            // what the producer had sent after it was acknowledged, past the refused record
            assertThat(TESTBED.kafka().readAll(target).stream().mapToLong(RestoreTest::sourceOffset))
                    .doesNotContain(big.offset()).anyMatch(offset -> offset > big.offset());

            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, target), List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "200000"), AlterConfigOp.OpType.SET))))
                    .all().get();
            ToolRun again = ToolRun.of(args);

            assertThat(again.exitCode()).as(again.err()).isZero();
            assertRestoredExactlyOnce(target, 1);
        }
    }

    @Test
    void a_file_written_after_a_run_below_what_it_restored_is_restored_by_the_next_run() {
        List<String> ofPartition = TESTBED.s3().keys(Testbed.BUCKET, TOPIC + "/").stream()
                .filter(key -> ArchiveKey.parse(key).map(k -> k.partition() == 2).orElse(false)).toList();
        // a file the archiver had not written yet when the first run listed the archive
        String late = ofPartition.get(ofPartition.size() / 2);
        byte[] bytes = TESTBED.s3().client().getObjectAsBytes(b -> b.bucket(Testbed.BUCKET).key(late)).asByteArray();
        Map<String, String> metadata = TESTBED.s3().metadata(Testbed.BUCKET, late);
        TESTBED.s3().client().deleteObject(b -> b.bucket(Testbed.BUCKET).key(late));
        List<String> args = args("--from", "2018-01-01", "--to", "2018-01-10", "--partition", "2", "--to-topic",
                "{topic}.late", "--create-topic");
        ToolRun first;
        try {
            first = ToolRun.of(args);
        } finally {
            TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(late).metadata(metadata),
                    RequestBody.fromBytes(bytes));
        }
        assertThat(first.exitCode()).as(first.err()).isZero();

        ToolRun again = ToolRun.of(args);

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertRestoredExactlyOnce(TOPIC + ".late", 2);
    }

    @Test
    void two_records_at_one_offset_from_two_topic_incarnations_are_both_restored_and_a_copied_file_once() {
        // three files of partition 0 under a prefix of their own, each with a second file at the same offsets:
        // another topic id (format version 3), other timestamps (versions 1 and 2), and an exact copy
        List<String> files = TESTBED.s3().keys(Testbed.BUCKET, TOPIC + "/").stream()
                .filter(key -> ArchiveKey.parse(key).orElseThrow().partition() == 0).limit(3).toList();
        String earlierId = Uuid.randomUuid().toString();
        String currentId = Uuid.randomUuid().toString();
        List<String> copies = new ArrayList<>();
        for (String file : files) {
            String copy = "incarnations/" + file.substring(TOPIC.length() + 1);
            TESTBED.s3().client().copyObject(b -> b.sourceBucket(Testbed.BUCKET).sourceKey(file)
                    .destinationBucket(Testbed.BUCKET).destinationKey(copy));
            copies.add(copy);
        }
        RewrittenFile.withTopicId(TESTBED.s3(), Testbed.BUCKET, copies.get(0), copies.get(0), earlierId);
        RewrittenFile.withTopicId(TESTBED.s3(), Testbed.BUCKET, copies.get(0), second(copies.get(0)), currentId);
        RewrittenFile.withTimestampsShifted(TESTBED.s3(), Testbed.BUCKET, copies.get(1), second(copies.get(1)), 1);
        TESTBED.s3().client().copyObject(b -> b.sourceBucket(Testbed.BUCKET).sourceKey(copies.get(2))
                .destinationBucket(Testbed.BUCKET).destinationKey(second(copies.get(2))));

        ToolRun restore = ToolRun.of(argsUnder("incarnations", "--from", "2018-01-01", "--to", "2018-01-10",
                "--to-topic", "{topic}.incarnations", "--create-topic"));

        assertThat(restore.exitCode()).as(restore.err()).isZero();
        Map<Long, List<ConsumerRecord<byte[], byte[]>>> restored = new TreeMap<>();
        TESTBED.kafka().readAll(TOPIC + ".incarnations").forEach(r -> restored.computeIfAbsent(sourceOffset(r),
                o -> new ArrayList<>()).add(r));
        for (long offset : offsets(copies.get(0))) {
            assertThat(restored.get(offset)).extracting(r -> text(r, RestoreHeaders.SOURCE_TOPIC_ID))
                    .containsExactly(earlierId, currentId);
        }
        for (long offset : offsets(copies.get(1))) {
            long timestamp = original(0, offset).timestamp();
            assertThat(restored.get(offset)).extracting(ConsumerRecord::timestamp)
                    .containsExactlyInAnyOrder(timestamp, timestamp + 1);
        }
        for (long offset : offsets(copies.get(2))) {
            assertThat(restored.get(offset)).hasSize(1);
        }
        assertThat(restore.out()).containsPattern("restore-events-0 +restore-events.incarnations-0 +6 +"
                + (2 * offsets(copies.get(0)).length + 2 * offsets(copies.get(1)).length
                        + offsets(copies.get(2)).length) + " +0 +" + offsets(copies.get(2)).length + " ");
    }

    @Test
    void a_file_of_format_version_1_is_restored_without_key_and_headers_and_the_summary_says_so() {
        // a copy of one day's file of partition 2 under a prefix of its own, rewritten as version 1
        String file = TESTBED.s3().keys(Testbed.BUCKET, ArchiveKey.dayFolder(TOPIC, TOPIC, FIRST_DAY.plusDays(7)))
                .stream().filter(key -> ArchiveKey.parse(key).orElseThrow().partition() == 2).findFirst().orElseThrow();
        String old = "version-one/" + file.substring(TOPIC.length() + 1);
        TESTBED.s3().client().copyObject(b -> b.sourceBucket(Testbed.BUCKET).sourceKey(file)
                .destinationBucket(Testbed.BUCKET).destinationKey(old));
        RewrittenFile.asVersionOne(TESTBED.s3(), Testbed.BUCKET, old);
        long[] offsets = Provenance.decode(TESTBED.s3().read(Testbed.BUCKET, old).meta().get(Provenance.OFFSETS));

        ToolRun restore = ToolRun.of(argsUnder("version-one", "--from", "2018-01-08", "--to-topic", "{topic}.v1",
                "--create-topic"));

        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.out()).contains(offsets.length + " records came from files of format version 1, which"
                + " kept no key, headers or timestamp type");
        Map<Long, ConsumerRecord<byte[], byte[]>> restored = new TreeMap<>();
        TESTBED.kafka().readAll(TOPIC + ".v1").forEach(r -> restored.put(sourceOffset(r), r));
        assertThat(restored.keySet()).containsExactly(Arrays.stream(offsets).boxed().toArray(Long[]::new));
        for (long offset : offsets) {
            ConsumerRecord<byte[], byte[]> original = original(2, offset);
            ConsumerRecord<byte[], byte[]> back = restored.get(offset);
            assertThat(back.key()).isNull();
            assertThat(back.value()).isEqualTo(original.value());
            assertThat(back.timestamp()).isEqualTo(original.timestamp());
            assertThat(back.headers().toArray()).extracting(Header::key).containsExactly(
                    RestoreHeaders.SOURCE_TOPIC, RestoreHeaders.SOURCE_PARTITION,
                    RestoreHeaders.SOURCE_OFFSET, RestoreHeaders.JOB);
        }
    }

    @Test
    void a_missing_target_topic_and_days_without_files_are_one_line_errors() {
        ToolRun missingTopic = restore("--from", "2018-01-02", "--to-topic", "nowhere");
        ToolRun noFiles = restore("--from", "2019-06-01", "--to-topic", "nowhere");

        assertThat(missingTopic.exitCode()).isEqualTo(1);
        assertThat(missingTopic.err()).isEqualTo("prism-lts: topic nowhere does not exist at "
                + TESTBED.kafka().bootstrapServers() + ": create it, or give --create-topic\n");
        assertThat(noFiles.exitCode()).isEqualTo(1);
        assertThat(noFiles.err()).isEqualTo("prism-lts: no archive files of " + TOPIC + " from 2019-06-01 to"
                + " 2019-06-01 in s3://prism-lts/" + TOPIC + "/" + TOPIC + "/\n");
    }

    @Test
    void no_s3_credentials_is_a_one_line_error() {
        System.setProperty("aws.disableEc2Metadata", "true");
        ToolRun restore = ToolRun.of("restore", "--topic", TOPIC, "--from", "2018-01-02", "--to-topic", "x",
                "--bootstrap-servers", TESTBED.kafka().bootstrapServers(), "--endpoint",
                TESTBED.s3().endpoint().toString(), "--path-style", "--prefix", TOPIC);

        assertThat(restore.exitCode()).isEqualTo(1);
        assertThat(restore.err()).startsWith("prism-lts: no S3 credentials: give --access-key and --secret-key")
                .hasLineCount(1);
    }

    private static String second(String key) {
        return key.replace(".avro", "-1.avro");
    }

    private static long[] offsets(String file) {
        return Provenance.decode(TESTBED.s3().read(Testbed.BUCKET, file).meta().get(Provenance.OFFSETS));
    }

    /** Every archived record of {@code partition} once, as it was sent, in any order. */
    private static void assertRestoredExactlyOnce(String restoredTopic, int partition) {
        List<Long> restored = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> back : TESTBED.kafka().readAll(restoredTopic)) {
            assertThat(text(back, RestoreHeaders.SOURCE_PARTITION)).isEqualTo(Integer.toString(partition));
            ConsumerRecord<byte[], byte[]> original = original(partition, sourceOffset(back));
            assertThat(back.key()).isEqualTo(original.key());
            assertThat(back.value()).isEqualTo(original.value());
            assertThat(back.timestamp()).isEqualTo(original.timestamp());
            restored.add(sourceOffset(back));
        }
        assertThat(restored).containsExactlyInAnyOrderElementsOf(sent.stream().filter(r -> r.partition() == partition)
                .map(ConsumerRecord::offset).toList());
    }

    /** Every archived record once, in offset order per source partition, as it was sent. */
    private static void assertRestoredExactlyOnce(String restoredTopic) {
        Map<Integer, List<Long>> order = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> back : TESTBED.kafka().readAll(restoredTopic).stream()
                .sorted(Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                        .thenComparingLong(ConsumerRecord::offset)).toList()) {
            int partition = Integer.parseInt(text(back, RestoreHeaders.SOURCE_PARTITION));
            assertThat(back.partition()).isEqualTo(partition);
            ConsumerRecord<byte[], byte[]> original = original(partition, sourceOffset(back));
            assertThat(back.key()).isEqualTo(original.key());
            assertThat(back.value()).isEqualTo(original.value());
            assertThat(back.timestamp()).isEqualTo(original.timestamp());
            order.computeIfAbsent(partition, p -> new ArrayList<>()).add(sourceOffset(back));
        }
        Map<Integer, List<Long>> expected = new TreeMap<>();
        sent.stream().sorted(Comparator.comparingLong(ConsumerRecord::offset)).forEach(r -> expected
                .computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.offset()));
        assertThat(order).isEqualTo(expected);
    }

    private static ConsumerRecord<byte[], byte[]> original(int partition, long offset) {
        return sent.stream().filter(r -> r.partition() == partition && r.offset() == offset).findFirst()
                .orElseThrow(() -> new AssertionError("nothing was sent at " + partition + "/" + offset));
    }

    private static long sourceOffset(ConsumerRecord<byte[], byte[]> record) {
        return Long.parseLong(text(record, RestoreHeaders.SOURCE_OFFSET));
    }

    private static String text(ConsumerRecord<byte[], byte[]> record, String header) {
        return RestoreCheckpoint.text(record.headers().lastHeader(header));
    }

    private static ToolRun restore(String... args) {
        return ToolRun.of(args(args));
    }

    private static List<String> args(String... args) {
        return argsUnder(TOPIC, args);
    }

    private static List<String> argsUnder(String prefix, String... args) {
        return Stream.concat(Stream.of("restore", "--topic", TOPIC), Stream.concat(Arrays.stream(args), Stream.of(
                "--bootstrap-servers", TESTBED.kafka().bootstrapServers(), "--prefix", prefix,
                "--endpoint", TESTBED.s3().endpoint().toString(), "--path-style", "--access-key",
                EmbeddedS3.ACCESS_KEY, "--secret-key", EmbeddedS3.SECRET_KEY))).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
