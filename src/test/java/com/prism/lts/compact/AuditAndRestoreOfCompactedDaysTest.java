package com.prism.lts.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.restore.RestoreHeaders;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import com.prism.lts.testing.ToolRun;
import com.prism.lts.write.ArchiveKey;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Table;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The tools over the two shapes of the archive: {@code prism-lts ddl}'s table over the days not compacted yet reads
 * every small file; then {@code prism-lts audit} and {@code prism-lts restore} over days folded into the compacted
 * table: the audit proves every offset is in (the table ∪ the small files left) exactly once, reading the table's
 * offset column, and says twice where it is twice; a restore of a compacted day produces the same records, byte for
 * byte and in the same order, as the restore of the same day before it was compacted (issue 17, acceptance 3). The
 * steps share one archive and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditAndRestoreOfCompactedDaysTest {

    static final String TOPIC = "compacted-tools";
    /** Two days on three partitions: each day has records of every partition. */
    static final LocalDate[] DAYS = {CompactionBed.FIRST_DAY, CompactionBed.FIRST_DAY.plusDays(1)};
    static final LocalDate RESTORED = DAYS[1];
    static final int EVENTS = 270;
    static final int LATE = 24;

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    static CompactionBed bed;
    /** The small files of the first day as the archiver wrote them, by key. */
    static final Map<String, byte[]> firstDayFiles = new HashMap<>();
    static final Map<String, Map<String, String>> firstDayMetadata = new HashMap<>();

    @BeforeAll
    static void archive() {
        VariedEvents.publishSchemas(TESTBED.schemas());
        TESTBED.kafka().createTopic(TOPIC, 3);
        bed = new CompactionBed(TESTBED, TOPIC);
        bed.settings().put("prism.flush.size", "20");
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            VariedEvents.send(producer, TOPIC, 0, EVENTS, DAYS, EVENTS / 2);
        }
        archive(EVENTS);
        for (String key : bed.smallFiles()) {
            if (key.contains(ArchiveKey.dayFolder(TOPIC, TOPIC, DAYS[0]))) {
                firstDayFiles.put(key, TESTBED.s3().client().getObjectAsBytes(b -> b.bucket(Testbed.BUCKET).key(key))
                        .asByteArray());
                firstDayMetadata.put(key, TESTBED.s3().metadata(Testbed.BUCKET, key));
            }
        }
    }

    @Test
    @Order(0)
    void the_athena_table_of_the_recent_days_reads_every_small_file_with_its_reader_schema() throws IOException {
        ToolRun ddl = ToolRun.of(Stream.concat(Stream.of("ddl", "--topic", TOPIC), s3Options().stream()).toList());

        assertThat(ddl.exitCode()).as(ddl.err()).isZero();
        assertThat(ddl.out()).contains("writer schemas " + Events.DEMO_SCHEMA_ID + ", "
                + VariedEvents.SCHEMA_V2_ID + ";")
                .contains("CREATE EXTERNAL TABLE IF NOT EXISTS `prism_lts`.`compacted_tools_recent` (")
                .contains("  `region` string\n)")
                .contains("LOCATION 's3://" + Testbed.BUCKET + "/" + TOPIC + "/" + TOPIC + "/'")
                .contains("'projection.year.range' = '2018,2099'")
                .contains("WHERE year = '2018' AND month = '01' AND day = '02'");
        Matcher literal = Pattern.compile("'avro.schema.literal' = '(.*)'\\)\n")
                .matcher(ddl.out());
        assertThat(literal.find()).isTrue();
        Schema reader = new Schema.Parser().parse(literal.group(1)
                .replace("\\'", "'").replace("\\\\", "\\"));
        int read = 0;
        int withRegion = 0;
        for (String key : bed.smallFiles()) {
            byte[] bytes = TESTBED.s3().client().getObjectAsBytes(b -> b.bucket(Testbed.BUCKET).key(key))
                    .asByteArray();
            try (DataFileStream<GenericRecord> file = new DataFileStream<>(new ByteArrayInputStream(bytes),
                    new GenericDatumReader<>(null, reader))) {
                for (GenericRecord event : file) {
                    read++;
                    withRegion += event.get("region") == null ? 0 : 1;
                }
            }
        }
        assertThat(read).isEqualTo(EVENTS);
        assertThat(withRegion).isPositive();
    }

    @Test
    @Order(1)
    void a_compaction_stopped_after_its_commit_leaves_small_files_the_audit_counts_once() {
        assertThat(restore("restored-before").exitCode()).isZero();

        assertThatThrownBy(() -> bed.compact(stoppedAt(CompactionSteps.Step.COMMITTED))).hasMessage("stopped");

        assertThat(bed.table().snapshots()).hasSize(1);
        assertThat(bed.smallFiles()).hasSizeGreaterThan(firstDayFiles.size());
        JsonNode audit = audit();
        assertThat(audit.get("complete").asBoolean()).as(audit.toPrettyString()).isTrue();
        int awaiting = 0;
        for (JsonNode partition : partitions(audit)) {
            assertThat(partition.get("twice")).isEmpty();
            awaiting += partition.get("awaiting_deletion").asInt();
        }
        assertThat(awaiting).isEqualTo(firstDayFiles.size());
        assertThat(audit.get("topics").get(0).get("table").get("rows").asLong()).isEqualTo(EVENTS / DAYS.length);
        assertThat(audit().get("complete").asBoolean()).isTrue();
    }

    @Test
    @Order(2)
    void once_every_day_is_compacted_the_audit_reads_the_table_and_forgets_the_files_it_holds() {
        assertThat(bed.compact().days()).allMatch(day -> day.kind() == DayOutcome.Kind.COMPACTED);
        assertThat(bed.smallFiles()).isEmpty();

        ToolRun audit = ToolRun.of(auditArgs());
        JsonNode again = audit();

        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
        assertThat(audit.out()).contains("Compacted table " + bed.table().name() + ": " + EVENTS + " rows of 2 days")
                .contains("files compacted since the last audit are gone, as they should be")
                .contains("Complete: nothing is missing.");
        long inTable = 0;
        for (JsonNode partition : partitions(again)) {
            inTable += partition.get("in_table").asLong();
            assertThat(partition.get("archived").asLong()).isEqualTo(partition.get("in_table").asLong());
        }
        assertThat(inTable).isEqualTo(EVENTS);
        assertThat(again.get("complete").asBoolean()).isTrue();
    }

    @Test
    @Order(3)
    void a_restore_of_a_compacted_day_equals_the_restore_of_the_same_day_before_compaction_byte_for_byte() {
        ToolRun restore = restore("restored-after");

        assertThat(restore.exitCode()).as(restore.out() + restore.err()).isZero();
        Map<Integer, List<String>> before = produced("restored-before");
        Map<Integer, List<String>> after = produced("restored-after");
        assertThat(before.values().stream().mapToInt(List::size).sum()).isEqualTo(EVENTS / DAYS.length);
        assertThat(after).isEqualTo(before);
    }

    @Test
    @Order(4)
    void late_records_of_a_compacted_day_are_small_files_beside_its_rows_audited_and_restored_in_offset_order() {
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            VariedEvents.send(producer, TOPIC, EVENTS, LATE, new LocalDate[] {RESTORED}, 0);
        }
        archive(EVENTS + LATE);
        assertThat(bed.smallFiles()).isNotEmpty();

        JsonNode audit = audit();
        ToolRun restore = restore("restored-late");

        assertThat(audit.get("complete").asBoolean()).as(audit.toPrettyString()).isTrue();
        partitions(audit).forEach(partition -> assertThat(partition.get("twice")).isEmpty());
        assertThat(restore.exitCode()).as(restore.out() + restore.err()).isZero();
        Map<Integer, List<String>> expected = new HashMap<>();
        TESTBED.kafka().readAll(TOPIC).stream().filter(r -> VariedEvents.dayOf(r).equals(RESTORED)).forEach(r -> expected
                .computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(asSent(r)));
        assertThat(expected.values().stream().mapToInt(List::size).sum()).isEqualTo(EVENTS / DAYS.length + LATE);
        assertThat(produced("restored-late")).isEqualTo(expected);
    }

    @Test
    @Order(5)
    void an_offset_in_the_table_and_in_a_small_file_it_does_not_name_is_archived_twice() {
        String original = firstDayFiles.keySet().iterator().next();
        String copy = original.replace(".avro", "-1.avro");
        TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(copy)
                .metadata(firstDayMetadata.get(original)), RequestBody.fromBytes(firstDayFiles.get(original)));

        ToolRun audit = ToolRun.of(auditArgs());

        int partition = ArchiveKey.parse(original).orElseThrow().partition();
        assertThat(audit.out()).contains("Archived twice: " + TOPIC + "-" + partition + " offsets ")
                .contains("in the table " + bed.table().name() + ", " + copy);
        TESTBED.s3().client().deleteObject(b -> b.bucket(Testbed.BUCKET).key(copy));
        assertThat(ToolRun.of(auditArgs()).out()).doesNotContain("Archived twice");
    }

    @Test
    @Order(6)
    void an_offset_in_two_rows_of_the_table_is_archived_twice() throws IOException {
        Table table = bed.table();
        DataFile file;
        try (var tasks = table.newScan().filter(org.apache.iceberg.expressions.Expressions.equal("prism.day",
                DAYS[0].toString())).planFiles()) {
            file = tasks.iterator().next().file();
        }
        String copy = file.location().replace(".parquet", "-copy.parquet");
        String key = file.location().substring(("s3://" + Testbed.BUCKET + "/").length());
        TESTBED.s3().client().copyObject(b -> b.sourceBucket(Testbed.BUCKET).sourceKey(key)
                .destinationBucket(Testbed.BUCKET).destinationKey(copy.substring(("s3://" + Testbed.BUCKET + "/")
                        .length())));
        table.newAppend().appendFile(DataFiles.builder(table.spec()).copy(file).withPath(copy).build()).commit();

        JsonNode audit = audit();

        long twice = 0;
        for (JsonNode partition : partitions(audit)) {
            for (JsonNode range : partition.get("twice")) {
                twice += range.get(1).asLong() - range.get(0).asLong() + 1;
            }
            if (!partition.get("twice").isEmpty()) {
                assertThat(partition.get("twice_in")).extracting(JsonNode::asText).containsOnly("the table "
                        + table.name());
            }
        }
        assertThat(twice).isEqualTo(file.recordCount());
    }

    private static void archive(long total) {
        try (RunningArchive archive = RunningArchive.start(bed.settings())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> TESTBED.kafka().committed(
                    bed.settings().get("prism.kafka.group-id"), TOPIC).values().stream().mapToLong(Long::longValue)
                    .sum() == total);
        }
    }

    /** Steps that stop the run, once the first day is committed, as a crash would. */
    private static CompactionSteps stoppedAt(CompactionSteps.Step at) {
        return new CompactionSteps() {
            @Override
            public void reached(Step step, String topic, LocalDate day) {
                if (step == at) {
                    throw new IllegalStateException("stopped");
                }
            }

            @Override
            public void deleted(String key, int done, int total) {
            }
        };
    }

    private static JsonNode audit() {
        ToolRun audit = ToolRun.of(Stream.concat(auditArgs().stream(), Stream.of("--json")).toList());
        try {
            return new ObjectMapper().readTree(audit.out());
        } catch (IOException e) {
            throw new AssertionError(audit.out() + audit.err(), e);
        }
    }

    private static List<JsonNode> partitions(JsonNode audit) {
        List<JsonNode> partitions = new ArrayList<>();
        audit.get("topics").get(0).get("partitions").forEach(partitions::add);
        return partitions;
    }

    private static List<String> auditArgs() {
        return Stream.concat(Stream.of("audit", "--topic", TOPIC, "--group-id", bed.settings()
                .get("prism.kafka.group-id")), bed.toolOptions().stream()).toList();
    }

    /** The options that point {@code ddl} at the archive. */
    private static List<String> s3Options() {
        return List.of("--endpoint", TESTBED.s3().endpoint().toString(), "--path-style", "--access-key",
                bed.settings().get("prism.s3.access-key"), "--secret-key", bed.settings().get("prism.s3.secret-key"),
                "--bucket", Testbed.BUCKET, "--prefix", TOPIC);
    }

    private static ToolRun restore(String target) {
        return ToolRun.of(Stream.concat(Stream.of("restore", "--topic", TOPIC, "--from", RESTORED.toString(),
                "--to-topic", target, "--create-topic"), bed.toolOptions().stream()).toList());
    }

    /**
     * What a restore produced into {@code topic}, per partition in order: each record's key, value, headers (but the
     * job's, which names the restore), timestamp, and the source offset its header names.
     */
    private static Map<Integer, List<String>> produced(String topic) {
        Map<Integer, List<String>> produced = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TESTBED.kafka().readAll(topic)) {
            produced.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(describe(record, true));
        }
        return produced;
    }

    /** A record of the archived topic as a restore produces it. */
    private static String asSent(ConsumerRecord<byte[], byte[]> record) {
        return describe(record, false);
    }

    private static String describe(ConsumerRecord<byte[], byte[]> record, boolean restored) {
        List<String> headers = new ArrayList<>();
        String source = restored ? null : Long.toString(record.offset());
        for (Header header : record.headers()) {
            if (header.key().equals(RestoreHeaders.SOURCE_OFFSET)) {
                source = new String(header.value(), StandardCharsets.UTF_8);
            } else if (header.key().startsWith("prism.restore.")) {
                continue;
            } else {
                headers.add(header.key() + "=" + (header.value() == null ? "null" : Arrays.toString(header.value())));
            }
        }
        return source + " key=" + Arrays.toString(record.key()) + " value=" + Arrays.toString(record.value())
                + " headers=" + headers + " timestamp=" + record.timestamp();
    }
}
