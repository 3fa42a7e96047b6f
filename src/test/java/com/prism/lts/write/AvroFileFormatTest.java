package com.prism.lts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.LocalDate;
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
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AvroFileFormatTest {

    private static final String TOPIC = "ac-user-event";
    private static final LocalDate DAY = LocalDate.of(2018, 1, 4);
    private static final String KEY = "topics/ac-user-event/year=2018/month=01/day=04/ac-user-event+0+0000000042.avro";

    private final List<GenericRecord> events = IntStream.range(0, 5)
            .mapToObj(i -> new DemoEvents(DAY, 1, 42).event(i)).toList();
    private final ArchiveBatch batch = batchOf(events);
    private final AvroBatchWriter writer = new AvroBatchWriter("snappy");
    private final AvroFileFormat format = new AvroFileFormat(writer);
    private CamelContext camel;
    private ProducerTemplate template;

    /** The format as the upload route uses it: {@code marshal} after the key is set. */
    @BeforeEach
    void route() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:write").marshal(format);
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
    }

    @Test
    void marshal_writes_the_batch_under_the_key_in_its_header_and_tells_s3_its_length_type_and_metadata()
            throws Exception {
        Exchange written = write(KEY);

        byte[] file = written.getMessage().getBody(byte[].class);
        assertThat(file).isEqualTo(writer.write(batch, ArchiveKey.parse(KEY).orElseThrow()));
        assertThat(written.getMessage().getHeaders())
                .containsEntry(AWS2S3Constants.KEY, KEY)
                .containsEntry(AWS2S3Constants.CONTENT_LENGTH, (long) file.length)
                .containsEntry(AWS2S3Constants.CONTENT_TYPE, "application/avro");
        assertThat(written.getMessage().getHeader(AWS2S3Constants.METADATA)).isEqualTo(Map.of(
                AvroBatchWriter.META_RECORD_COUNT, "5",
                AvroBatchWriter.META_FIRST_OFFSET, "42",
                AvroBatchWriter.META_LAST_OFFSET, "46",
                AvroBatchWriter.META_SCHEMA_ID, Integer.toString(Events.DEMO_SCHEMA_ID),
                AvroBatchWriter.META_TOPIC, TOPIC,
                AvroBatchWriter.META_PARTITION, "0",
                AvroBatchWriter.META_METRIC_DATE, "2018-01-04",
                AvroBatchWriter.META_FORMAT_VERSION, "3"));
        assertThat(written.getProperty(AvroFileFormat.WRITTEN_AT)).isNotNull();
    }

    /** The key is the file's name and the seed of its sync marker: a key of another batch would misfile it. */
    @Test
    void marshal_refuses_a_key_that_is_not_the_batchs_own() {
        for (String wrong : new String[] {KEY.replace("+0000000042", "+0000000043"), KEY.replace("+0+", "+1+"),
            KEY.replace("day=04", "day=05"), KEY.replace(".avro", "-1.avro"), "somewhere/else.avro", null}) {
            Exchange written = write(wrong);

            assertThat(written.getException()).as(wrong).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(AWS2S3Constants.KEY);
        }
    }

    @Test
    void unmarshal_gives_back_the_files_records_as_they_were_sent() throws Exception {
        byte[] file = write(KEY).getMessage().getBody(byte[].class);

        List<GenericRecord> records = format.unmarshal(null, new ByteArrayInputStream(file));

        assertThat(records).isEqualTo(events);
    }

    /** The exchange after the route, with the exception marshal failed with, if it did. */
    private Exchange write(String key) {
        return template.send("direct:write", exchange -> {
            exchange.getMessage().setBody(batch);
            exchange.getMessage().setHeader(AWS2S3Constants.KEY, key);
        });
    }

    private static ArchiveBatch batchOf(List<GenericRecord> events) {
        PartitionLedger ledger = TestLedgers.assigned(TOPIC, 0);
        return TestBatches.of(IntStream.range(0, events.size()).mapToObj(i -> new ArchiveRecord(
                Events.polled(TOPIC, 0, 42 + i, 1_515_024_000_000L + i), DAY,
                Events.decoded(Events.DEMO_SCHEMA_ID, events.get(i)), ledger, null)).toList());
    }
}
