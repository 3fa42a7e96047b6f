package com.prism.lts.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.demo.Traffic;
import com.prism.lts.demo.TrafficSender;
import com.prism.lts.testing.EmbeddedKafka;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.TestSettings;
import com.prism.lts.testing.Testbed;
import com.prism.lts.testing.ToolRun;
import com.prism.lts.write.ArchiveKey;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code ls} and {@code cat} on an archive that the pipeline wrote from a real broker into a real S3 server. */
class InspectToolsTest {

    static final String TOPIC = "inspect-events";
    static final String BUCKET = Testbed.BUCKET;
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    static EmbeddedKafka kafka;
    static EmbeddedS3 s3;
    /** What Kafka holds, by partition and offset: the truth the tools' output is checked against. */
    static Map<String, ConsumerRecord<byte[], byte[]>> sent;

    @BeforeAll
    static void archive() throws Exception {
        kafka = TESTBED.kafka();
        s3 = TESTBED.s3();
        kafka.createTopic(TOPIC, 2);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            new TrafficSender(producer).send(new Traffic(TOPIC, 600, 3, LocalDate.of(2018, 1, 1), 2, 0, 11),
                    Events.DEMO_SCHEMA_ID, acknowledged -> { });
        }
        Map<String, String> settings = TestSettings.of(kafka, s3, TESTBED.schemas(), TOPIC);
        settings.put("prism.flush.size", "100");
        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.metrics().recordsArchived() == 600);
        }
        sent = kafka.readAll(TOPIC).stream().collect(Collectors.toMap(r -> r.partition() + "/" + r.offset(), r -> r));
        put("topics/README.txt", "not an archive file".getBytes());
        put("elsewhere/not-avro.avro", "PK\u0003\u0004 a zip, say".getBytes());
        put("elsewhere/plain.avro", plainAvroFile());
    }

    @Test
    void ls_totals_files_records_and_bytes_per_day() {
        ToolRun ls = tool("ls");

        assertThat(ls.exitCode()).as(ls.err()).isZero();
        assertThat(ls.outLines().get(0)).isEqualTo("s3://prism-lts/topics/:");
        Map<String, List<Long>> shown = new TreeMap<>();
        for (String line : ls.outLines()) {
            String[] cells = line.trim().split("\\s{2,}");
            if (cells.length == 5 && cells[0].equals(TOPIC)) {
                shown.put(cells[1], Stream.of(cells[2], cells[3], cells[4])
                        .map(n -> Long.parseLong(n.replace(",", ""))).toList());
            }
        }
        Map<String, List<Long>> expected = new TreeMap<>();
        long files = 0;
        long bytes = 0;
        for (LocalDate day : List.of(LocalDate.of(2018, 1, 1), LocalDate.of(2018, 1, 2), LocalDate.of(2018, 1, 3))) {
            List<S3Object> ofDay = s3.objects(BUCKET,
                    ArchiveKey.dayFolder("topics", TOPIC, day));
            long dayBytes = ofDay.stream().mapToLong(S3Object::size).sum();
            expected.put(day.toString(), List.of((long) ofDay.size(), sentOn(day), dayBytes));
            files += ofDay.size();
            bytes += dayBytes;
        }
        expected.put("all days", List.of(files, 600L, bytes));
        assertThat(shown).isEqualTo(expected);
        assertThat(ls.out()).contains("Left out, not archive files: 1 object, topics/README.txt.");
    }

    @Test
    void ls_files_lists_every_file_with_the_record_count_of_its_metadata() {
        ToolRun ls = tool("ls", "--files", "--topic", TOPIC, "--day", "2018-01-02");

        assertThat(ls.exitCode()).as(ls.err()).isZero();
        List<String> keys = s3.keys(BUCKET, ArchiveKey.dayFolder("topics", TOPIC, LocalDate.of(2018, 1, 2)));
        assertThat(keys).isNotEmpty();
        for (String key : keys) {
            String records = s3.metadata(BUCKET, key).get("record-count");
            assertThat(ls.outLines())
                    .anyMatch(line -> line.matches(Pattern.quote(key) + " +" + records + " +[\\d,]+"));
        }
        assertThat(ls.outLines()).hasSize(keys.size() + 2);
    }

    @Test
    void cat_prints_each_record_of_a_file_with_its_kafka_coordinates() throws IOException {
        String key = s3.keys(BUCKET, "topics/" + TOPIC + "/").get(0);
        ToolRun cat = tool("cat", key);

        assertThat(cat.exitCode()).as(cat.err()).isZero();
        assertThat(cat.outLines()).hasSize(Integer.parseInt(s3.metadata(BUCKET, key).get("record-count")));
        for (String line : cat.outLines()) {
            JsonNode record = JSON.readTree(line);
            ConsumerRecord<byte[], byte[]> kafkaRecord = sent.get(record.get("partition").asInt() + "/"
                    + record.get("offset").asLong());
            assertThat(kafkaRecord).as(line).isNotNull();
            assertThat(record.get("topic").asText()).isEqualTo(TOPIC);
            assertThat(record.get("timestamp").asLong()).isEqualTo(kafkaRecord.timestamp());
            assertThat(record.get("value").get("event_id").asText())
                    .isEqualTo(decode(kafkaRecord.value()).get("event_id").toString());
        }
        assertThat(tool("cat", "s3://" + BUCKET + "/" + key).out()).isEqualTo(cat.out());
    }

    @Test
    void cat_of_a_day_prints_every_record_of_that_day() throws IOException {
        LocalDate day = LocalDate.of(2018, 1, 3);
        ToolRun cat = tool("cat", "--day", day.toString(), "--topic", TOPIC);

        assertThat(cat.exitCode()).as(cat.err()).isZero();
        List<String> coordinates = new ArrayList<>();
        for (String line : cat.outLines()) {
            JsonNode record = JSON.readTree(line);
            assertThat(record.get("value").get("metric_date").asText()).isEqualTo(day.toString());
            coordinates.add(record.get("partition").asInt() + "/" + record.get("offset").asLong());
        }
        Set<String> expected = sent.entrySet().stream()
                .filter(e -> decode(e.getValue().value()).get("metric_date").toString().equals(day.toString()))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(coordinates).hasSize(expected.size()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void an_unreachable_endpoint_is_one_line_and_exit_code_1() {
        String endpoint = "http://127.0.0.1:" + ToolRun.unusedPort();
        for (String tool : List.of("ls", "cat")) {
            ToolRun run = ToolRun.of(tool, "--day", "2018-01-01", "--endpoint", endpoint, "--path-style",
                    "--access-key", EmbeddedS3.ACCESS_KEY, "--secret-key", EmbeddedS3.SECRET_KEY);
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("prism-lts: cannot reach S3 at " + endpoint + " (Connection refused)\n");
        }
    }

    @Test
    void a_missing_bucket_is_one_line_and_exit_code_1() {
        for (ToolRun run : List.of(tool("ls", "--bucket", "no-such-bucket"),
                tool("cat", "--bucket", "no-such-bucket", "topics/x.avro"))) {
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("prism-lts: bucket no-such-bucket does not exist at " + s3.endpoint()
                    + "\n");
        }
    }

    @Test
    void a_file_that_is_not_an_archive_file_is_one_line_and_exit_code_1() {
        Map<String, String> expected = new HashMap<>();
        expected.put("elsewhere/not-avro.avro", "s3://prism-lts/elsewhere/not-avro.avro is not an Avro container"
                + " file");
        expected.put("elsewhere/plain.avro", "s3://prism-lts/elsewhere/plain.avro is an Avro file but not a Prism"
                + " LTS archive file: the file carries no Prism LTS provenance");
        expected.put("topics/missing.avro", "there is no object s3://prism-lts/topics/missing.avro at "
                + s3.endpoint());
        expected.forEach((key, message) -> {
            ToolRun cat = tool("cat", key);
            assertThat(cat.exitCode()).as(key).isEqualTo(1);
            assertThat(cat.err()).isEqualTo("prism-lts: " + message + "\n");
        });
    }

    private static ToolRun tool(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", s3.endpoint().toString(), "--path-style", "--access-key",
                EmbeddedS3.ACCESS_KEY, "--secret-key", EmbeddedS3.SECRET_KEY));
        return ToolRun.of(all);
    }

    private static long sentOn(LocalDate day) {
        return sent.values().stream().filter(r -> decode(r.value()).get("metric_date").toString()
                .equals(day.toString())).count();
    }

    private static GenericRecord decode(byte[] wire) {
        try {
            return new GenericDatumReader<GenericRecord>(DemoEvents.SCHEMA)
                    .read(null, DecoderFactory.get().binaryDecoder(wire, 5, wire.length - 5, null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(String key, byte[] content) {
        s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    }

    private static byte[] plainAvroFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(DemoEvents.SCHEMA))) {
            writer.create(DemoEvents.SCHEMA, out);
            writer.append(new DemoEvents(LocalDate.of(2018, 1, 1), 1, 1).event(0));
        }
        return out.toByteArray();
    }
}
