package com.prism.lts.day;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import com.prism.lts.demo.DemoEvents;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class MetricDateTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final LocalDate JAN_4 = LocalDate.of(2018, 1, 4);
    private static final LocalDate JAN_5 = LocalDate.of(2018, 1, 5);

    private static final String STRING = "\"string\"";
    private static final String DATE = "{\"type\": \"int\", \"logicalType\": \"date\"}";
    private static final String TIMESTAMP_MILLIS = "{\"type\": \"long\", \"logicalType\": \"timestamp-millis\"}";
    private static final String TIMESTAMP_MICROS = "{\"type\": \"long\", \"logicalType\": \"timestamp-micros\"}";

    @Test
    void a_plain_date_string_is_that_day() throws Exception {
        assertThat(dayIn(NEW_YORK, STRING, "2018-01-04")).isEqualTo(JAN_4);
    }

    @Test
    void a_utc_date_time_just_after_midnight_is_the_previous_day_in_new_york() throws Exception {
        assertThat(dayIn(NEW_YORK, STRING, "2018-01-05T00:30:00Z")).isEqualTo(JAN_4);
    }

    @Test
    void an_evening_in_new_york_is_already_the_next_day_in_tokyo() throws Exception {
        assertThat(dayIn(TOKYO, STRING, "2018-01-04T20:00:00-05:00")).isEqualTo(JAN_5);
    }

    @Test
    void a_date_time_with_an_offset_is_taken_as_is_when_the_zone_is_utc() throws Exception {
        assertThat(dayIn(UTC, STRING, "2018-01-04T23:59:59.999+00:00")).isEqualTo(JAN_4);
    }

    @Test
    void a_date_time_without_an_offset_keeps_its_own_date_whatever_the_zone() throws Exception {
        assertThat(dayIn(TOKYO, STRING, "2018-01-04T23:30:00")).isEqualTo(JAN_4);
        assertThat(dayIn(NEW_YORK, STRING, "2018-01-04T00:30:00")).isEqualTo(JAN_4);
    }

    @Test
    void an_avro_date_is_its_day_since_the_epoch_and_is_never_shifted_by_the_zone() throws Exception {
        int days = (int) JAN_4.toEpochDay();
        assertThat(dayIn(NEW_YORK, DATE, days)).isEqualTo(JAN_4);
        assertThat(dayIn(TOKYO, DATE, days)).isEqualTo(JAN_4);
    }

    @Test
    void a_timestamp_millis_just_after_midnight_utc_is_the_previous_day_in_new_york() throws Exception {
        long millis = Instant.parse("2018-01-05T00:30:00Z").toEpochMilli();
        assertThat(dayIn(UTC, TIMESTAMP_MILLIS, millis)).isEqualTo(JAN_5);
        assertThat(dayIn(NEW_YORK, TIMESTAMP_MILLIS, millis)).isEqualTo(JAN_4);
    }

    @Test
    void a_timestamp_millis_late_in_the_utc_evening_is_the_next_day_in_tokyo() throws Exception {
        long millis = Instant.parse("2018-01-04T15:00:00Z").toEpochMilli();
        assertThat(dayIn(UTC, TIMESTAMP_MILLIS, millis)).isEqualTo(JAN_4);
        assertThat(dayIn(TOKYO, TIMESTAMP_MILLIS, millis)).isEqualTo(JAN_5);
    }

    @Test
    void a_timestamp_micros_is_read_as_microseconds_not_milliseconds() throws Exception {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2018-01-05T00:30:00Z"));
        assertThat(dayIn(UTC, TIMESTAMP_MICROS, micros)).isEqualTo(JAN_5);
        assertThat(dayIn(NEW_YORK, TIMESTAMP_MICROS, micros)).isEqualTo(JAN_4);
        long oneSecondBeforeMidnightInTokyo = ChronoUnit.MICROS.between(Instant.EPOCH,
                Instant.parse("2018-01-04T14:59:59Z"));
        assertThat(dayIn(TOKYO, TIMESTAMP_MICROS, oneSecondBeforeMidnightInTokyo)).isEqualTo(JAN_4);
        assertThat(dayIn(TOKYO, TIMESTAMP_MICROS, oneSecondBeforeMidnightInTokyo + 1_000_000)).isEqualTo(JAN_5);
    }

    @Test
    void a_string_read_by_avro_as_utf8_is_a_date_like_any_other_string() throws Exception {
        assertThat(dayIn(UTC, STRING, new Utf8("2018-01-04"))).isEqualTo(JAN_4);
    }

    @Test
    void the_last_day_of_2018_stays_in_2018_although_its_week_belongs_to_2019() throws Exception {
        LocalDate newYearsEve = LocalDate.of(2018, 12, 31);
        assertThat(dayIn(UTC, STRING, "2018-12-31")).hasYear(2018).isEqualTo(newYearsEve);
        assertThat(dayIn(UTC, DATE, (int) newYearsEve.toEpochDay())).isEqualTo(newYearsEve);
        assertThat(dayIn(UTC, TIMESTAMP_MILLIS, Instant.parse("2018-12-31T12:00:00Z").toEpochMilli()))
                .isEqualTo(newYearsEve);
    }

    @Test
    void a_nested_path_reads_the_date_inside_a_sub_record() throws Exception {
        GenericRecord event = nested(new Utf8("2018-01-04"));
        assertThat(new MetricDate("meta.metric_date", UTC).dayOf(event)).isEqualTo(JAN_4);
    }

    @Test
    void a_null_in_an_optional_date_field_is_a_missing_metric_date() {
        RecordRejectedException rejection = rejected(UTC, "[\"null\", \"string\"]", null);
        assertThat(rejection.reason()).isEqualTo(RejectReason.MISSING_METRIC_DATE);
        assertThat(rejection).hasMessageContaining("metric_date is null");
    }

    @Test
    void an_optional_date_field_holding_a_date_is_read_through_the_union() throws Exception {
        assertThat(dayIn(UTC, "[\"null\", \"string\"]", "2018-01-04")).isEqualTo(JAN_4);
        assertThat(dayIn(NEW_YORK, "[\"null\", " + TIMESTAMP_MILLIS + "]",
                Instant.parse("2018-01-05T00:30:00Z").toEpochMilli())).isEqualTo(JAN_4);
    }

    @Test
    void a_record_without_the_field_has_a_missing_metric_date() {
        Schema schema = recordSchema("other_date", STRING);
        GenericRecord event = new GenericData.Record(schema);
        event.put("other_date", "2018-01-04");

        RecordRejectedException rejection = catchThrowableOfType(RecordRejectedException.class,
                () -> new MetricDate("metric_date", UTC).dayOf(event));

        assertThat(rejection.reason()).isEqualTo(RejectReason.MISSING_METRIC_DATE);
        assertThat(rejection).hasMessageContaining("metric_date");
    }

    @Test
    void a_null_parent_on_a_nested_path_is_a_missing_metric_date() {
        RecordRejectedException rejection = catchThrowableOfType(RecordRejectedException.class,
                () -> new MetricDate("meta.metric_date", UTC).dayOf(nested(null)));

        assertThat(rejection.reason()).isEqualTo(RejectReason.MISSING_METRIC_DATE);
        assertThat(rejection).hasMessageContaining("meta is null");
    }

    @Test
    void a_string_that_is_not_a_date_is_unreadable_and_the_message_names_the_field() {
        RecordRejectedException rejection = rejected(UTC, STRING, "04/01/2018");
        assertThat(rejection.reason()).isEqualTo(RejectReason.UNREADABLE_METRIC_DATE);
        assertThat(rejection).hasMessageContaining("metric_date").hasMessageContaining("04/01/2018");
    }

    @Test
    void a_plain_int_without_a_logical_type_is_unreadable_rather_than_guessed_as_days() {
        RecordRejectedException rejection = rejected(UTC, "\"int\"", 17535);
        assertThat(rejection.reason()).isEqualTo(RejectReason.UNREADABLE_METRIC_DATE);
        assertThat(rejection).hasMessageContaining("metric_date").hasMessageContaining("int");
    }

    @Test
    void a_plain_long_without_a_logical_type_is_unreadable_rather_than_guessed_as_millis() {
        RecordRejectedException rejection = rejected(UTC, "\"long\"", 1515024000000L);
        assertThat(rejection.reason()).isEqualTo(RejectReason.UNREADABLE_METRIC_DATE);
        assertThat(rejection).hasMessageContaining("metric_date").hasMessageContaining("long");
    }

    @Test
    void a_timestamp_beyond_the_year_9999_is_unreadable_instead_of_making_an_impossible_folder() {
        RecordRejectedException rejection = rejected(UTC, TIMESTAMP_MILLIS, Long.MAX_VALUE);
        assertThat(rejection.reason()).isEqualTo(RejectReason.UNREADABLE_METRIC_DATE);
        assertThat(rejection).hasMessageContaining("metric_date");
    }

    @Test
    void the_projection_keeps_only_the_metric_date_and_reading_through_it_gives_the_events_day() throws Exception {
        MetricDate metricDate = new MetricDate("metric_date", NEW_YORK);
        GenericRecord event = new DemoEvents(JAN_4, 1, 7).event(3);

        Schema projection = metricDate.projection(DemoEvents.SCHEMA);
        IndexedRecord read = readThrough(DemoEvents.SCHEMA, projection, event);

        assertThat(projection.getFields()).extracting(Schema.Field::name).containsExactly("metric_date");
        assertThat(projection.getFullName()).isEqualTo(DemoEvents.SCHEMA.getFullName());
        assertThat(metricDate.dayOf(read)).isEqualTo(JAN_4);
    }

    @Test
    void the_projection_of_a_nested_path_keeps_only_the_fields_leading_to_the_date() throws Exception {
        MetricDate metricDate = new MetricDate("meta.metric_date", UTC);
        GenericRecord event = nested(new Utf8("2018-01-04"));

        Schema projection = metricDate.projection(event.getSchema());
        IndexedRecord read = readThrough(event.getSchema(), projection, event);

        assertThat(projection.getFields()).extracting(Schema.Field::name).containsExactly("meta");
        Schema meta = projection.getField("meta").schema().getTypes().get(1);
        assertThat(meta.getFields()).extracting(Schema.Field::name).containsExactly("metric_date");
        assertThat(metricDate.dayOf(read)).isEqualTo(JAN_4);
    }

    private static LocalDate dayIn(ZoneId zone, String fieldType, Object value) throws RecordRejectedException {
        return new MetricDate("metric_date", zone).dayOf(event(fieldType, value));
    }

    private static RecordRejectedException rejected(ZoneId zone, String fieldType, Object value) {
        RecordRejectedException rejection = catchThrowableOfType(RecordRejectedException.class,
                () -> dayIn(zone, fieldType, value));
        assertThat(rejection).as("rejection of %s as %s", value, fieldType).isNotNull();
        return rejection;
    }

    private static GenericRecord event(String fieldType, Object value) {
        GenericRecord event = new GenericData.Record(recordSchema("metric_date", fieldType));
        event.put("metric_date", value);
        return event;
    }

    private static Schema recordSchema(String field, String fieldType) {
        return new Schema.Parser().parse("""
                {"type": "record", "name": "Event", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "%s", "type": %s}
                ]}""".formatted(field, fieldType));
    }

    /** An event whose date sits in an optional sub-record, after fields the projection should drop. */
    private static GenericRecord nested(CharSequence metricDate) {
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Event", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "meta", "type": ["null", {"type": "record", "name": "Meta", "fields": [
                    {"name": "source", "type": "string"},
                    {"name": "metric_date", "type": "string"}
                  ]}]}
                ]}""");
        GenericRecord event = new GenericData.Record(schema);
        event.put("id", "e-1");
        if (metricDate != null) {
            GenericRecord meta = new GenericData.Record(schema.getField("meta").schema().getTypes().get(1));
            meta.put("source", "web");
            meta.put("metric_date", metricDate);
            event.put("meta", meta);
        }
        return event;
    }

    private static IndexedRecord readThrough(Schema writer, Schema reader, GenericRecord event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(event, encoder);
        encoder.flush();
        return (IndexedRecord) new GenericDatumReader<>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
