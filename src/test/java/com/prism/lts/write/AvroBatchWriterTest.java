package com.prism.lts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.batch.TestBatches;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.TestLedgers;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AvroBatchWriterTest {

    private static final String TOPIC = "ac-user-event";
    private static final int PARTITION = 0;
    private static final LocalDate DAY = LocalDate.of(2018, 1, 4);
    private static final Uuid TOPIC_ID = Uuid.fromString("q5Xe6CXvSKSmW8GkpQ6ARw");
    private static final long[] OFFSETS = {42, 43, 47, 48, 100};
    private static final long[] TIMESTAMPS = {1_515_024_000_000L, 1_515_023_990_000L, 1_515_024_000_500L,
        1_515_110_399_999L, 1_515_024_000_500L};
    private static final TimestampType[] TIMESTAMP_TYPES = {TimestampType.CREATE_TIME, TimestampType.CREATE_TIME,
        TimestampType.LOG_APPEND_TIME, TimestampType.CREATE_TIME, TimestampType.CREATE_TIME};
    /** A key, none, an empty one, bytes that are no text, the first again. */
    private static final byte[][] KEYS = {bytes("user-24280"), null, new byte[0], {0, 1, -2, -1}, bytes("user-24280")};
    /** Three headers, one name twice and one value null; none; one; ... */
    private static final Header[][] HEADERS = {
        {header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), header("retry", "1"),
            header("retry", null)},
        {},
        {header("content-type", "avro")},
        {header("", "")},
        {header("ünïcödé", "wert")}};

    private final List<GenericRecord> events = IntStream.range(0, OFFSETS.length)
            .mapToObj(i -> new DemoEvents(DAY, 1, 42).event(i)).toList();
    private final ArchiveBatch batch = batchOf(events);

    /** {@code avroName} is the codec's name in the Avro specification, which the file header carries. */
    @ParameterizedTest
    @CsvSource({"null, null", "deflate, deflate", "snappy, snappy", "zstd, zstandard"})
    void a_file_read_back_with_avros_own_reader_holds_the_records_sent_under_their_own_schema(String codec,
            String avroName) throws IOException {
        byte[] file = write(new AvroBatchWriter(codec));

        try (DataFileReader<GenericRecord> reader = read(file)) {
            assertThat(reader.getSchema()).isEqualTo(DemoEvents.SCHEMA);
            assertThat(reader.getMetaString(DataFileConstants.CODEC)).isEqualTo(avroName);
            List<GenericRecord> records = new ArrayList<>();
            reader.forEach(records::add);
            assertThat(records).isEqualTo(events);
        }
    }

    @Test
    void the_file_header_names_exactly_the_offsets_and_timestamps_of_its_records() throws IOException {
        byte[] file = write(new AvroBatchWriter("deflate"));

        try (DataFileReader<GenericRecord> reader = read(file)) {
            Provenance provenance = Provenance.of(reader);
            assertThat(provenance.topic()).isEqualTo(TOPIC);
            assertThat(provenance.partition()).isEqualTo(PARTITION);
            assertThat(provenance.offsets()).containsExactly(OFFSETS);
            assertThat(provenance.timestamps()).containsExactly(TIMESTAMPS);
            assertThat(provenance.schemaId()).isEqualTo(Integer.toString(Events.DEMO_SCHEMA_ID));
            assertThat(provenance.formatVersion()).isEqualTo(3);
            assertThat(provenance.topicId()).as("the topic incarnation its records were read from")
                    .isEqualTo(TOPIC_ID.toString());
        }
    }

    @Test
    void the_file_header_keeps_each_records_key_headers_and_timestamp_type_as_kafka_delivered_them()
            throws IOException {
        byte[] file = write(new AvroBatchWriter("deflate"));

        try (DataFileReader<GenericRecord> reader = read(file)) {
            KafkaFields fields = KafkaFields.of(reader, OFFSETS.length).orElseThrow();
            assertThat(fields.timestampTypes()).containsExactly(TIMESTAMP_TYPES);
            assertThat(fields.keys()).isDeepEqualTo(KEYS);
            assertThat(fields.headers()).isDeepEqualTo(HEADERS);
        }
    }

    /** docs/file-format.md gives these schemas so that a reader in another language can decode the entries. */
    @Test
    void keys_and_headers_read_back_with_avros_own_reader_for_the_schemas_the_format_documents()
            throws IOException {
        byte[] file = write(new AvroBatchWriter("null"));

        try (DataFileReader<GenericRecord> reader = read(file)) {
            List<Object> keys = readAll(KafkaFields.KEY_SCHEMA, inflate(reader.getMeta(KafkaFields.KEYS)));
            List<Object> headers = readAll(KafkaFields.HEADERS_SCHEMA, inflate(reader.getMeta(KafkaFields.HEADERS)));
            for (int i = 0; i < OFFSETS.length; i++) {
                assertThat(keys.get(i) == null ? null : bytes((ByteBuffer) keys.get(i))).isEqualTo(KEYS[i]);
                List<?> read = (List<?>) headers.get(i);
                assertThat(read).hasSize(HEADERS[i].length);
                for (int h = 0; h < read.size(); h++) {
                    GenericRecord header = (GenericRecord) read.get(h);
                    assertThat(header.get("key").toString()).isEqualTo(HEADERS[i][h].key());
                    Object value = header.get("value");
                    assertThat(value == null ? null : bytes((ByteBuffer) value)).isEqualTo(HEADERS[i][h].value());
                }
            }
        }
    }

    /**
     * Before they are deflated, keys and headers cost their own bytes and framing: a branch and a length per key, a
     * count and an end per header list, a branch and lengths per header. Timestamp types cost two bytes per run.
     * docs/file-format.md states what whole files measured, deflated.
     */
    @Test
    void keys_headers_and_timestamp_types_cost_their_own_bytes_and_a_few_bytes_of_framing_per_record()
            throws IOException {
        byte[] file = write(new AvroBatchWriter("deflate"));

        try (DataFileReader<GenericRecord> reader = read(file)) {
            long stored = inflate(reader.getMeta(KafkaFields.KEYS)).length
                    + inflate(reader.getMeta(KafkaFields.HEADERS)).length;
            long content = 0;
            int headerCount = 0;
            for (int i = 0; i < OFFSETS.length; i++) {
                content += KEYS[i] == null ? 0 : KEYS[i].length;
                for (Header header : HEADERS[i]) {
                    content += header.key().getBytes(StandardCharsets.UTF_8).length
                            + (header.value() == null ? 0 : header.value().length);
                    headerCount++;
                }
            }
            assertThat(stored - content).isEqualTo(
                    4 * 2 + 1                    // four keys: branch and length; one null: branch only
                            + 4 * 2 + 1          // four non-empty header lists: count and end; one empty: end
                            + headerCount * 3    // each header: key length, value branch, value length
                            - 1);                // ...but the null value has no length
            assertThat(reader.getMeta(KafkaFields.TIMESTAMP_TYPES)).hasSize(6); // 2 CreateTime, 1 LogAppendTime, 2
        }
    }

    @Test
    void writing_the_same_batch_twice_gives_identical_bytes_so_a_replay_overwrites_the_same_file() throws IOException {
        byte[] first = write(new AvroBatchWriter("zstd"));
        byte[] again = write(new AvroBatchWriter("zstd"));

        assertThat(again).isEqualTo(first);
    }

    private byte[] write(AvroBatchWriter writer) throws IOException {
        return writer.write(batch, ArchiveKey.of("topics", TOPIC, DAY, PARTITION, OFFSETS[0]));
    }

    private static DataFileReader<GenericRecord> read(byte[] file) throws IOException {
        return new DataFileReader<>(new SeekableByteArrayInput(file), new GenericDatumReader<>());
    }

    private static ArchiveBatch batchOf(List<GenericRecord> events) {
        PartitionLedger watermark = TestLedgers.assigned(TOPIC, PARTITION, TOPIC_ID);
        List<ArchiveRecord> records = IntStream.range(0, events.size())
                .mapToObj(i -> new ArchiveRecord(new ConsumerRecord<>(TOPIC, PARTITION, OFFSETS[i], TIMESTAMPS[i],
                        TIMESTAMP_TYPES[i], -1, -1, KEYS[i], null, new RecordHeaders(HEADERS[i]), Optional.empty()),
                        DAY, Events.decoded(Events.DEMO_SCHEMA_ID, events.get(i)), watermark, null))
                .toList();
        return TestBatches.of(records);
    }

    private static List<Object> readAll(Schema schema, byte[] values) throws IOException {
        GenericDatumReader<Object> reader = new GenericDatumReader<>(schema);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(values, null);
        List<Object> all = new ArrayList<>();
        while (!decoder.isEnd()) {
            all.add(reader.read(null, decoder));
        }
        return all;
    }

    /** Raw DEFLATE, as the format specifies for keys and headers: what zlib calls window bits -15. */
    private static byte[] inflate(byte[] deflated) throws IOException {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated), new Inflater(true))) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value == null ? null : bytes(value));
    }
}
