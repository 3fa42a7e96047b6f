package com.prism.lts.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import com.prism.lts.day.MetricDate;
import com.prism.lts.day.MetricDates;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfluentAvroDecoderTest {

    private static final String TOPIC = "ac-user-event";
    private static final int STRING_SCHEMA_ID = 2;
    private static final LocalDate DAY = LocalDate.of(2018, 1, 4);

    private final MetricDate metricDate = new MetricDate("metric_date", ZoneOffset.UTC);
    private final GenericRecord event = new DemoEvents(DAY, 1, 42).event(0);

    @TempDir
    Path schemas;
    private ConfluentAvroDecoder decoder;

    @BeforeEach
    void publishSchemas() {
        Events.publishSchema(schemas, Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
        Events.publishSchema(schemas, STRING_SCHEMA_ID, Schema.create(Schema.Type.STRING));
        decoder = new ConfluentAvroDecoder(new DirectorySchemaSource(schemas), MetricDates.same(metricDate));
    }

    @Test
    void a_good_record_decodes_with_its_writer_schema_and_its_metric_date() throws Exception {
        DecodedEvent decoded = decoder.decode(TOPIC, Events.wire(Events.DEMO_SCHEMA_ID, event));

        assertThat(decoded.schemaId()).isEqualTo(Integer.toString(Events.DEMO_SCHEMA_ID));
        assertThat(decoded.writerSchema()).isEqualTo(DemoEvents.SCHEMA);
        assertThat(metricDate.dayOf(decoded.fields())).isEqualTo(DAY);
    }

    @Test
    void the_archived_bytes_of_a_good_record_are_exactly_the_payload_after_the_five_byte_header() throws Exception {
        byte[] datum = DemoEvents.encode(event);
        byte[] wire = ConfluentAvroDecoder.frame(Events.DEMO_SCHEMA_ID, datum);

        DecodedEvent decoded = decoder.decode(TOPIC, wire);

        assertThat(decoded.offset()).isEqualTo(5);
        assertThat(decoded.length()).isEqualTo(datum.length);
        assertThat(Arrays.copyOfRange(decoded.datum(), decoded.offset(), decoded.offset() + decoded.length()))
                .isEqualTo(datum);
    }

    @Test
    void frame_writes_magic_byte_zero_then_the_schema_id_big_endian_then_the_datum() throws Exception {
        byte[] datum = DemoEvents.encode(event);
        int id = 0x01020304;

        byte[] wire = ConfluentAvroDecoder.frame(id, datum);

        assertThat(Arrays.copyOfRange(wire, 0, 5)).containsExactly(0, 1, 2, 3, 4);
        assertThat(Arrays.copyOfRange(wire, 5, wire.length)).isEqualTo(datum);
        Events.publishSchema(schemas, id, DemoEvents.SCHEMA);
        DecodedEvent decoded = decoder.decode(TOPIC, wire);
        assertThat(decoded.schemaId()).isEqualTo(Integer.toString(id));
        assertThat(Arrays.copyOfRange(decoded.datum(), decoded.offset(), decoded.offset() + decoded.length()))
                .isEqualTo(datum);
    }

    @Test
    void a_tombstone_is_rejected_as_a_null_value() {
        assertThat(rejected(null).reason()).isEqualTo(RejectReason.NULL_VALUE);
    }

    @Test
    void a_value_shorter_than_the_header_is_not_in_the_wire_format() {
        RecordRejectedException rejection = rejected(new byte[] {0, 0, 0, 1});
        assertThat(rejection.reason()).isEqualTo(RejectReason.NOT_WIRE_FORMAT);
        assertThat(rejection).hasMessageContaining("4 bytes");
        assertThat(rejected(new byte[0]).reason()).isEqualTo(RejectReason.NOT_WIRE_FORMAT);
    }

    @Test
    void a_value_without_the_magic_byte_is_not_in_the_wire_format() {
        byte[] wire = Events.wire(Events.DEMO_SCHEMA_ID, event);
        wire[0] = 1;

        RecordRejectedException rejection = rejected(wire);

        assertThat(rejection.reason()).isEqualTo(RejectReason.NOT_WIRE_FORMAT);
        assertThat(rejection).hasMessageContaining("byte 1");
    }

    @Test
    void a_schema_id_the_directory_does_not_have_is_an_unknown_schema() {
        RecordRejectedException rejection = rejected(Events.wire(99, event));
        assertThat(rejection.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
        assertThat(rejection).hasMessageContaining("99");
    }

    @Test
    void a_truncated_event_is_invalid_avro() {
        byte[] wire = Events.wire(Events.DEMO_SCHEMA_ID, event);
        assertThat(rejected(Arrays.copyOf(wire, wire.length - 1)).reason()).isEqualTo(RejectReason.INVALID_AVRO);
        assertThat(rejected(Arrays.copyOf(wire, 5)).reason()).isEqualTo(RejectReason.INVALID_AVRO);
    }

    @Test
    void an_event_followed_by_garbage_bytes_is_invalid_avro_rather_than_silently_cut() {
        byte[] wire = Events.wire(Events.DEMO_SCHEMA_ID, event);

        RecordRejectedException rejection = rejected(Arrays.copyOf(wire, wire.length + 3));

        assertThat(rejection.reason()).isEqualTo(RejectReason.INVALID_AVRO);
        assertThat(rejection).hasMessageContaining("left over");
    }

    @Test
    void a_length_that_claims_more_bytes_than_the_value_holds_is_invalid_avro() {
        byte[] wire = ConfluentAvroDecoder.frame(Events.DEMO_SCHEMA_ID,
                new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 'x'});
        assertThat(rejected(wire).reason()).isEqualTo(RejectReason.INVALID_AVRO);
    }

    @Test
    void an_event_whose_schema_is_not_a_record_cannot_hold_a_metric_date() throws IOException {
        RecordRejectedException rejection = rejected(ConfluentAvroDecoder.frame(STRING_SCHEMA_ID,
                encodeString("2018-01-04")));

        assertThat(rejection.reason()).isEqualTo(RejectReason.MISSING_METRIC_DATE);
        assertThat(rejection).hasMessageContaining("not a record");
    }

    @Test
    void the_schema_source_is_asked_once_per_schema_id() throws Exception {
        FlakySchemaSource source = new FlakySchemaSource(new DirectorySchemaSource(schemas), 0);
        ConfluentAvroDecoder caching = new ConfluentAvroDecoder(source, MetricDates.same(metricDate));

        for (int i = 0; i < 3; i++) {
            caching.decode(TOPIC, Events.wire(Events.DEMO_SCHEMA_ID, new DemoEvents(DAY, 1, 42).event(i)));
            caching.decode("ac-orders", Events.wire(Events.DEMO_SCHEMA_ID, new DemoEvents(DAY, 1, 42).event(i)));
        }

        assertThat(source.lookups).hasValue(1);
    }

    @Test
    void each_topic_reads_the_field_of_its_own_metric_date() throws Exception {
        MetricDate occurredAt = new MetricDate("occurred_at", ZoneOffset.UTC);
        ConfluentAvroDecoder twoTopics = new ConfluentAvroDecoder(new DirectorySchemaSource(schemas),
                new MetricDates(topic -> topic.equals("ac-orders") ? occurredAt : metricDate));
        byte[] wire = Events.wire(Events.DEMO_SCHEMA_ID, event);

        assertThat(occurredAt.dayOf(twoTopics.decode("ac-orders", wire).fields())).isEqualTo(DAY);
        assertThat(metricDate.dayOf(twoTopics.decode(TOPIC, wire).fields())).isEqualTo(DAY);
        assertThat(twoTopics.decode(TOPIC, wire).fields().getSchema().getField("occurred_at")).isNull();
    }

    @Test
    void a_schema_source_that_cannot_be_reached_fails_transiently_and_is_asked_again_next_time() throws Exception {
        FlakySchemaSource source = new FlakySchemaSource(new DirectorySchemaSource(schemas), 1);
        ConfluentAvroDecoder retrying = new ConfluentAvroDecoder(source, MetricDates.same(metricDate));
        byte[] wire = Events.wire(Events.DEMO_SCHEMA_ID, event);

        assertThatThrownBy(() -> retrying.decode(TOPIC, wire)).isInstanceOf(IOException.class);
        assertThat(metricDate.dayOf(retrying.decode(TOPIC, wire).fields())).isEqualTo(DAY);
        assertThat(source.lookups).hasValue(2);
    }

    private RecordRejectedException rejected(byte[] value) {
        RecordRejectedException rejection = catchThrowableOfType(RecordRejectedException.class,
                () -> decoder.decode(TOPIC, value));
        assertThat(rejection).as("rejection of %s", Arrays.toString(value)).isNotNull();
        return rejection;
    }

    private static byte[] encodeString(String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<CharSequence>(Schema.create(Schema.Type.STRING)).write(value, encoder);
        return out.toByteArray();
    }

    /** Counts lookups, and fails the first {@code failures} of them as an unreachable registry would. */
    private static final class FlakySchemaSource implements SchemaSource {
        private final SchemaSource schemas;
        private final int failures;
        private final AtomicInteger lookups = new AtomicInteger();

        FlakySchemaSource(SchemaSource schemas, int failures) {
            this.schemas = schemas;
            this.failures = failures;
        }

        @Override
        public Schema schema(int id) throws RecordRejectedException, IOException {
            if (lookups.incrementAndGet() <= failures) {
                throw new IOException("registry down");
            }
            return schemas.schema(id);
        }

        @Override
        public String describe() {
            return "flaky " + schemas.describe();
        }
    }
}
