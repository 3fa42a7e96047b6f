package com.prism.lts.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Spark (local mode, Iceberg's Spark runtime) reads the compacted table with {@code select *}: one row per
 * record produced, keys, values and headers as produced. Spark's jars are about 430 MB, so this runs only with
 * {@code mvn -Pspark verify -Dit.test=SparkReadsTableIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}; Spark
 * runs in a JVM of its own ({@link SparkQuery}).
 */
class SparkReadsTableIT {

    static final String TOPIC = "spark-events";
    /** Prism's own Iceberg and Parquet jars: Iceberg's Spark runtime has the same classes over a shaded Parquet. */
    static final Pattern PRISMS_ICEBERG = Pattern.compile(
            "/org/apache/iceberg/iceberg-(api|common|core|data|parquet|bundled-guava)/|/org/apache/parquet/");
    /** What Spark's launcher opens on Java 17. */
    static final List<String> OPENS = Stream.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io",
            "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch",
            "sun.nio.cs", "sun.security.action", "sun.util.calendar")
            .map(pkg -> "--add-opens=java.base/" + pkg + "=ALL-UNNAMED").toList();

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void spark_reads_one_row_per_record_produced_with_its_key_value_and_headers() throws Exception {
        VariedEvents.publishSchemas(TESTBED.schemas());
        TESTBED.kafka().createTopic(TOPIC, 3);
        CompactionBed bed = new CompactionBed(TESTBED, TOPIC);
        LocalDate[] days = {CompactionBed.FIRST_DAY, CompactionBed.FIRST_DAY.plusDays(1),
            CompactionBed.FIRST_DAY.plusDays(2)};
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            VariedEvents.send(producer, TOPIC, 0, 300, days, 150);
        }
        try (RunningArchive archive = RunningArchive.start(bed.settings())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> TESTBED.kafka().committed(
                    bed.settings().get("prism.kafka.group-id"), TOPIC).values().stream().mapToLong(Long::longValue)
                    .sum() == 300);
        }
        assertThat(bed.compact().days()).hasSize(3).allMatch(day -> day.kind() == DayOutcome.Kind.COMPACTED);
        Map<String, ConsumerRecord<byte[], byte[]>> sent = TESTBED.kafka().readAll(TOPIC).stream()
                .collect(Collectors.toMap(r -> r.partition() + "/" + r.offset(), r -> r));

        String table = "prism.prism_lts." + bed.archiveSettings().compaction().table(TOPIC);
        List<String> documented = DocumentedQueries.under("### Spark").stream()
                .map(query -> query.replace("prism.prism_lts.ac_user_event", table)).toList();
        List<String> queries = new ArrayList<>(documented);
        queries.add("SELECT count(*) FROM (SELECT * FROM " + table + ")");
        queries.add("SELECT concat_ws(' ', prism.partition, prism.offset, coalesce(hex(prism.key), 'null'),"
                + " hex(prism.value), size(prism.headers), event_id, coalesce(region, 'null')) FROM " + table);
        Map<String, List<String>> results = spark(bed, queries.toArray(String[]::new));

        assertThat(results.get(documented.get(0))).as("the documented day, in offset order").isEqualTo(sent.values()
                .stream().filter(r -> VariedEvents.dayOf(r).equals(days[1])).sorted(java.util.Comparator
                        .comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                        .thenComparingLong(ConsumerRecord::offset))
                .map(VariedEvents::eventId).toList());
        assertThat(results.get(documented.get(1)).stream().mapToLong(Long::parseLong).sum()).as("records committed")
                .isEqualTo(300);
        assertThat(results.get(queries.get(2))).as("select *").containsExactly("300");
        Map<String, String[]> read = new HashMap<>();
        for (String row : results.get(queries.get(3))) {
            String[] columns = row.split(" ");
            assertThat(read.put(columns[0] + "/" + columns[1], columns)).isNull();
        }
        assertThat(read.keySet()).isEqualTo(sent.keySet());
        read.forEach((place, columns) -> {
            ConsumerRecord<byte[], byte[]> original = sent.get(place);
            assertThat(columns[2]).as(place).isEqualTo(original.key() == null ? "null" : hex(original.key()));
            assertThat(columns[3]).as(place).isEqualTo(hex(Arrays.copyOfRange(original.value(), 5,
                    original.value().length)));
            assertThat(Integer.parseInt(columns[4])).as(place).isEqualTo(original.headers().toArray().length);
            assertThat(ByteBuffer.wrap(original.value(), 1, 4).getInt() == VariedEvents.SCHEMA_V2_ID
                    || columns[6].equals("null")).as(place).isTrue();
        });
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    /** Runs the queries with Spark in a JVM of its own; returns the first column of each row, by query. */
    private static Map<String, List<String>> spark(CompactionBed bed, String... queries) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx2g"));
        command.addAll(OPENS);
        command.add("-Dspark.master=local[1]");
        command.add("-Dspark.ui.enabled=false");
        command.add("-Dspark.sql.catalog.prism=org.apache.iceberg.spark.SparkCatalog");
        Catalogs.properties(bed.archiveSettings()).forEach((key, value) -> command.add("-Dspark.sql.catalog.prism."
                + key + "=" + value));
        command.add("-cp");
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !PRISMS_ICEBERG.matcher(entry).find()).collect(Collectors.joining(File.pathSeparator)));
        command.add(SparkQuery.class.getName());
        command.addAll(List.of(queries));
        Path log = Path.of("target", "spark-query.log");
        Process spark = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!spark.waitFor(5, TimeUnit.MINUTES)) {
            spark.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(spark.exitValue()).as(String.join("\n", lines)).isZero();
        Map<String, List<String>> rows = new java.util.LinkedHashMap<>();
        List<String> current = null;
        for (String line : lines) {
            if (line.startsWith("QUERY ")) {
                current = rows.computeIfAbsent(queries[Integer.parseInt(line.substring(6))], q -> new ArrayList<>());
            } else if (line.startsWith("ROW ") && current != null) {
                current.add(line.substring(4));
            }
        }
        return rows;
    }
}
