package com.prism.lts.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import com.prism.lts.table.ArchiveTable;
import com.prism.lts.table.CompactedDay;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17's first acceptance: records over 10 days on 3 partitions, with keys null, empty and bytes, repeated headers
 * with null values, a second writer schema (an added field) inside a day, and late records for a day already
 * compacted, archived by the archiver and compacted by the compactor: the table read with Iceberg's own generic reader
 * has exactly one row per record produced, every column equal to what was produced, and DuckDB reads the same rows
 * from the data files.
 */
class CompactedTableTest {

    static final String TOPIC = "compacted-events";
    static final LocalDate[] DAYS = new LocalDate[10];
    static final int EVENTS = 900;
    static final int LATE = 30;
    static final LocalDate LATE_DAY = CompactionBed.FIRST_DAY.plusDays(4);

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    static CompactionBed bed;
    static Compactor.Report first;
    static Compactor.Report second;
    /** What the topic holds: the truth, by partition and offset. */
    static Map<String, ConsumerRecord<byte[], byte[]>> sent;
    /** The topic's id in Kafka, which the small files of format version 3 name. */
    static String topicId;

    @BeforeAll
    static void archiveAndCompact() throws Exception {
        for (int i = 0; i < DAYS.length; i++) {
            DAYS[i] = CompactionBed.FIRST_DAY.plusDays(i);
        }
        VariedEvents.publishSchemas(TESTBED.schemas());
        TESTBED.kafka().createTopic(TOPIC, 3);
        bed = new CompactionBed(TESTBED, TOPIC);
        bed.settings().put("prism.flush.size", "20");
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            // day 3 (index 2) gets events of the second schema in the second half, beside the first schema's
            VariedEvents.send(producer, TOPIC, 0, EVENTS, DAYS, EVENTS / 2);
            archive(EVENTS);
            first = bed.compact();
            VariedEvents.send(producer, TOPIC, EVENTS, LATE, new LocalDate[] {LATE_DAY}, 0);
            archive(EVENTS + LATE);
            second = bed.compact();
        }
        topicId = TESTBED.kafka().topicId(TOPIC);
        sent = TESTBED.kafka().readAll(TOPIC).stream().collect(Collectors.toMap(r -> r.partition() + "/"
                + r.offset(), r -> r));
    }

    private static void archive(long total) {
        try (RunningArchive archive = RunningArchive.start(bed.settings())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> committed() == total);
        }
    }

    /** Every record below a committed offset is in S3. */
    private static long committed() {
        return TESTBED.kafka().committed(bed.settings().get("prism.kafka.group-id"), TOPIC).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    @Test
    void every_day_is_compacted_and_its_small_files_are_gone() {
        assertThat(first.days()).hasSize(10).allMatch(day -> day.kind() == DayOutcome.Kind.COMPACTED);
        assertThat(first.days()).extracting(DayOutcome::records).containsOnly(90L);
        assertThat(second.days()).singleElement().satisfies(day -> {
            assertThat(day.day()).isEqualTo(LATE_DAY);
            assertThat(day.kind()).isEqualTo(DayOutcome.Kind.COMPACTED);
            assertThat(day.records()).isEqualTo(LATE);
        });
        assertThat(bed.smallFiles()).isEmpty();
    }

    @Test
    void the_generic_reader_gives_one_row_per_record_produced_with_every_column_as_produced() {
        List<Record> rows = bed.rows();

        assertThat(rows).hasSize(EVENTS + LATE);
        Map<String, Long> places = rows.stream().collect(Collectors.groupingBy(row -> place(row),
                Collectors.counting()));
        assertThat(places.keySet()).isEqualTo(sent.keySet());
        assertThat(places.values()).containsOnly(1L);
        for (Record row : rows) {
            assertRowIsAsProduced(row, sent.get(place(row)));
        }
    }

    @Test
    void the_values_are_the_producers_bytes_even_those_java_would_encode_otherwise() {
        List<Record> twoBlocks = bed.rows().stream().filter(row -> {
            ConsumerRecord<byte[], byte[]> original = sent.get(place(row));
            return !Arrays.equals(reencoded(original), Arrays.copyOfRange(original.value(), 5,
                    original.value().length));
        }).toList();

        assertThat(twoBlocks).hasSizeGreaterThan(20);
        twoBlocks.forEach(row -> assertThat(bytes(CompactionBed.provenance(row).getField(ArchiveTable.VALUE)))
                .isEqualTo(Arrays.copyOfRange(sent.get(place(row)).value(), 5, sent.get(place(row)).value().length)));
    }

    @Test
    void duckdb_reads_the_same_rows_from_the_data_files_with_the_query_the_documentation_shows()
            throws SQLException, IOException {
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = bed.table().newScan().planFiles()) {
            tasks.forEach(task -> files.add("'" + TESTBED.s3().directory().resolve(Testbed.BUCKET)
                    .resolve(task.file().location().substring(("s3://" + Testbed.BUCKET + "/").length())) + "'"));
        }
        String documented = DocumentedQueries.under("### DuckDB").get(0);
        List<String> read = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement query = duckdb.createStatement();
                ResultSet result = query.executeQuery(documented.replace("FILES", "[" + String.join(", ", files)
                        + "]"))) {
            while (result.next()) {
                String place = result.getInt("partition") + "/" + result.getLong("offset");
                read.add(place);
                ConsumerRecord<byte[], byte[]> original = sent.get(place);
                GenericRecord event = VariedEvents.decode(original);
                assertThat(result.getObject("day").toString()).as(place)
                        .isEqualTo(event.get("metric_date").toString());
                assertThat(result.getBytes("key")).as(place).isEqualTo(original.key());
                assertThat(result.getBytes("value")).as(place).isEqualTo(Arrays.copyOfRange(original.value(), 5,
                        original.value().length));
                assertThat(result.getString("event_id")).as(place).isEqualTo(event.get("event_id").toString());
                assertThat(result.getInt("headers")).as(place).isEqualTo(original.headers().toArray().length);
                assertThat(result.getString("first_header")).as(place)
                        .isEqualTo(original.headers().toArray().length == 0 ? null : "trace");
                assertThat(result.getString("timestamp_type")).as(place).isEqualTo("CreateTime");
                assertThat(result.getLong("timestamp_ms")).as(place).isEqualTo(original.timestamp());
            }
        }
        assertThat(read).isEqualTo(sent.values().stream().sorted(Comparator
                .comparing((ConsumerRecord<byte[], byte[]> r) -> VariedEvents.decode(r).get("metric_date").toString())
                .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset))
                .map(r -> r.partition() + "/" + r.offset()).toList());
    }

    @Test
    void an_audit_reads_the_offsets_of_one_partition_of_a_day_from_two_columns_only() {
        List<Long> offsets = new ArrayList<>();
        try (CompactedDay rows = CompactedDay.read(bed.table(), LATE_DAY, OptionalInt.of(1))) {
            rows.forEachRemaining(row -> {
                assertThat(CompactionBed.provenance(row).struct().fields()).extracting(f -> f.name())
                        .containsExactly(ArchiveTable.PARTITION, ArchiveTable.OFFSET);
                assertThat(row.struct().fields()).hasSize(1);
                offsets.add(CompactedDay.offset(row));
            });
        }

        assertThat(offsets).isEqualTo(sentOn(LATE_DAY).stream().filter(r -> r.partition() == 1)
                .map(ConsumerRecord::offset).sorted().toList());
    }

    @Test
    void a_restore_reads_a_day_in_offset_order_across_its_data_files_with_the_producers_bytes() throws IOException {
        try (CloseableIterable<FileScanTask> tasks = bed.table().newScan().filter(ArchiveTable.dayIs(LATE_DAY))
                .planFiles()) {
            assertThat(tasks).as("the day's data files: the first run's and the late records'").hasSize(2);
        }
        List<String> read = new ArrayList<>();
        try (CompactedDay rows = CompactedDay.read(bed.table(), LATE_DAY, OptionalInt.empty(), ArchiveTable.VALUE,
                ArchiveTable.KEY, ArchiveTable.HEADERS, ArchiveTable.TIMESTAMP, ArchiveTable.SCHEMA_ID)) {
            rows.forEachRemaining(row -> {
                ConsumerRecord<byte[], byte[]> original = sent.get(place(row));
                Record prism = CompactionBed.provenance(row);
                assertThat(CompactedDay.wireFormat(row)).isEqualTo(original.value());
                assertThat(bytes(prism.getField(ArchiveTable.KEY))).isEqualTo(original.key());
                read.add(place(row));
            });
        }

        assertThat(read).isEqualTo(sentOn(LATE_DAY).stream().sorted(Comparator
                .comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition()).thenComparingLong(r -> r.offset()))
                .map(r -> r.partition() + "/" + r.offset()).toList());
    }

    private static List<ConsumerRecord<byte[], byte[]>> sentOn(LocalDate day) {
        return sent.values().stream().filter(r -> VariedEvents.decode(r).get("metric_date").toString().equals(day.toString()))
                .toList();
    }

    private static void assertRowIsAsProduced(Record row, ConsumerRecord<byte[], byte[]> original) {
        Record prism = CompactionBed.provenance(row);
        GenericRecord event = VariedEvents.decode(original);
        int schemaId = ByteBuffer.wrap(original.value(), 1, 4).getInt();
        String where = original.partition() + "/" + original.offset();
        assertThat(prism.getField(ArchiveTable.TOPIC)).as(where).isEqualTo(TOPIC);
        assertThat(prism.getField(ArchiveTable.TOPIC_ID)).as(where).isEqualTo(topicId);
        assertThat(prism.getField(ArchiveTable.TIMESTAMP)).as(where)
                .isEqualTo(OffsetDateTime.ofInstant(Instant.ofEpochMilli(original.timestamp()), ZoneOffset.UTC));
        assertThat(prism.getField(ArchiveTable.TIMESTAMP_TYPE)).as(where).isEqualTo("CreateTime");
        assertThat(bytes(prism.getField(ArchiveTable.KEY))).as(where).isEqualTo(original.key());
        assertThat(headers(prism)).as(where).isEqualTo(Arrays.stream(original.headers().toArray())
                .map(h -> h.key() + "=" + (h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8)))
                .toList());
        assertThat(prism.getField(ArchiveTable.SCHEMA_ID)).as(where).isEqualTo(Integer.toString(schemaId));
        assertThat(prism.getField(ArchiveTable.DAY)).as(where)
                .isEqualTo(LocalDate.parse(event.get("metric_date").toString()));
        assertThat(bytes(prism.getField(ArchiveTable.VALUE))).as(where)
                .isEqualTo(Arrays.copyOfRange(original.value(), 5, original.value().length));
        assertThat(prism.getField(ArchiveTable.FILE).toString()).as(where)
                .contains(TOPIC + "+" + original.partition() + "+");

        assertThat(row.getField("event_id")).as(where).isEqualTo(event.get("event_id").toString());
        assertThat(row.getField("user_id")).as(where).isEqualTo(event.get("user_id").toString());
        assertThat(row.getField("workspace_id")).as(where).isEqualTo(event.get("workspace_id").toString());
        assertThat(row.getField("event_type")).as(where).isEqualTo(event.get("event_type").toString());
        assertThat(row.getField("metric_date")).as(where).isEqualTo(event.get("metric_date").toString());
        assertThat(row.getField("occurred_at")).as(where).isEqualTo(OffsetDateTime.ofInstant(
                Instant.ofEpochMilli((Long) event.get("occurred_at")), ZoneOffset.UTC));
        assertThat(row.getField("duration_ms")).as(where).isEqualTo(event.get("duration_ms"));
        Map<String, String> properties = new HashMap<>();
        ((Map<?, ?>) event.get("properties")).forEach((k, v) -> properties.put(k.toString(), v.toString()));
        assertThat(row.getField("properties")).as(where).isEqualTo(properties);
        Object region = event.getSchema().getField("region") == null ? null : event.get("region");
        assertThat(row.getField("region")).as(where).isEqualTo(region == null ? null : region.toString());
    }

    private static List<String> headers(Record prism) {
        Object headers = prism.getField(ArchiveTable.HEADERS);
        List<String> list = new ArrayList<>();
        for (Object header : (List<?>) headers) {
            Record h = (Record) header;
            Object value = h.getField("value");
            list.add(h.getField("key") + "=" + (value == null ? "null"
                    : new String(bytes(value), StandardCharsets.UTF_8)));
        }
        return list;
    }

    private static String place(Record row) {
        Record prism = CompactionBed.provenance(row);
        return prism.getField(ArchiveTable.PARTITION) + "/" + prism.getField(ArchiveTable.OFFSET);
    }

    static byte[] bytes(Object buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = ((ByteBuffer) buffer).duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static byte[] reencoded(ConsumerRecord<byte[], byte[]> record) {
        return VariedEvents.encode(VariedEvents.decode(record));
    }
}
