package com.prism.lts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.batch.TestBatches;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.TestLedgers;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AvroBatchWriterTest {

    private static final String TOPIC = "ac-user-event";
    private static final int PARTITION = 0;
    private static final LocalDate DAY = LocalDate.of(2018, 1, 4);
    private static final long[] OFFSETS = {42, 43, 47, 48, 100};
    private static final long[] TIMESTAMPS = {1_515_024_000_000L, 1_515_023_990_000L, 1_515_024_000_500L,
        1_515_110_399_999L, 1_515_024_000_500L};

    private final List<GenericRecord> events = IntStream.range(0, OFFSETS.length)
            .mapToObj(i -> new DemoEvents(DAY, 1, 42).event(i)).toList();
    private final ArchiveBatch batch = batchOf(events);

    /** {@code avroName} is the codec's name in the Avro specification, which the file header carries. */
    @ParameterizedTest
    @CsvSource({"null, null", "deflate, deflate", "snappy, snappy", "zstd, zstandard"})
    void a_file_read_back_with_avros_own_reader_holds_the_records_sent_under_their_own_schema(String codec,
            String avroName) throws IOException {
        byte[] file = write(new AvroBatchWriter("topics", codec));

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
        byte[] file = write(new AvroBatchWriter("topics", "deflate"));

        try (DataFileReader<GenericRecord> reader = read(file)) {
            Provenance provenance = Provenance.of(reader);
            assertThat(provenance.topic()).isEqualTo(TOPIC);
            assertThat(provenance.partition()).isEqualTo(PARTITION);
            assertThat(provenance.offsets()).containsExactly(OFFSETS);
            assertThat(provenance.timestamps()).containsExactly(TIMESTAMPS);
            assertThat(reader.getMetaString(Provenance.SCHEMA_ID)).isEqualTo(Integer.toString(Events.DEMO_SCHEMA_ID));
        }
    }

    @Test
    void writing_the_same_batch_twice_gives_identical_bytes_so_a_replay_overwrites_the_same_file() throws IOException {
        byte[] first = write(new AvroBatchWriter("topics", "zstd"));
        byte[] again = write(new AvroBatchWriter("topics", "zstd"));

        assertThat(again).isEqualTo(first);
    }

    @Test
    void process_turns_the_batch_into_its_file_with_the_key_length_and_metadata_for_s3() throws Exception {
        AvroBatchWriter writer = new AvroBatchWriter("topics", "snappy");
        Exchange exchange;
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(batch);
            writer.process(exchange);
        }

        byte[] body = exchange.getMessage().getBody(byte[].class);
        String key = "topics/ac-user-event/year=2018/month=01/day=04/ac-user-event+0+0000000042.avro";
        assertThat(body).isEqualTo(writer.write(batch, ArchiveKey.parse(key).orElseThrow()));
        assertThat(exchange.getMessage().getHeaders())
                .containsEntry(AWS2S3Constants.KEY, key)
                .containsEntry(AWS2S3Constants.CONTENT_LENGTH, (long) body.length)
                .containsEntry(AWS2S3Constants.CONTENT_TYPE, "application/avro");
        assertThat(exchange.getMessage().getHeader(AWS2S3Constants.METADATA)).isEqualTo(Map.of(
                AvroBatchWriter.META_RECORD_COUNT, "5",
                AvroBatchWriter.META_FIRST_OFFSET, "42",
                AvroBatchWriter.META_LAST_OFFSET, "100",
                AvroBatchWriter.META_SCHEMA_ID, Integer.toString(Events.DEMO_SCHEMA_ID),
                AvroBatchWriter.META_TOPIC, TOPIC,
                AvroBatchWriter.META_PARTITION, "0",
                AvroBatchWriter.META_METRIC_DATE, "2018-01-04"));
        assertThat(exchange.getProperty(AvroBatchWriter.BATCH)).isSameAs(batch);
    }

    private byte[] write(AvroBatchWriter writer) throws IOException {
        return writer.write(batch, writer.keyOf(batch));
    }

    private static DataFileReader<GenericRecord> read(byte[] file) throws IOException {
        return new DataFileReader<>(new SeekableByteArrayInput(file), new GenericDatumReader<>());
    }

    private static ArchiveBatch batchOf(List<GenericRecord> events) {
        PartitionLedger watermark = TestLedgers.assigned(TOPIC, PARTITION);
        List<ArchiveRecord> records = IntStream.range(0, events.size())
                .mapToObj(i -> new ArchiveRecord(TOPIC, PARTITION, OFFSETS[i], TIMESTAMPS[i], DAY,
                        Events.decoded(Events.DEMO_SCHEMA_ID, events.get(i)), watermark, null))
                .toList();
        return TestBatches.of(records);
    }
}
