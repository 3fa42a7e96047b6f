package com.prism.lts.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.ToolFailure;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.write.Provenance;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class RecordLinesTest {

    static final DemoEvents EVENTS = new DemoEvents(LocalDate.of(2018, 1, 4), 1, 3);

    @Test
    void each_record_becomes_a_json_line_with_the_coordinates_the_header_gives_it() {
        StringWriter out = new StringWriter();
        long count = RecordLines.write(new ByteArrayInputStream(file(2, new long[] {40, 42}, new long[] {1000, 1001})),
                "f", new PrintWriter(out, true));

        assertThat(count).isEqualTo(2);
        assertThat(out.toString().lines().map(RecordLinesTest::json)).containsExactly(
                json("{\"topic\":\"t\",\"partition\":3,\"offset\":40,\"timestamp\":1000,\"value\":"
                        + EVENTS.event(0) + "}"),
                json("{\"topic\":\"t\",\"partition\":3,\"offset\":42,\"timestamp\":1001,\"value\":"
                        + EVENTS.event(1) + "}"));
    }

    @Test
    void bytes_that_are_not_an_avro_container_file_are_named_as_such() {
        assertThatThrownBy(() -> RecordLines.write(new ByteArrayInputStream("hello".getBytes()), "s3://b/k",
                new PrintWriter(new StringWriter())))
                .isInstanceOf(ToolFailure.class).hasMessage("s3://b/k is not an Avro container file");
    }

    @Test
    void a_header_that_names_fewer_or_more_offsets_than_records_is_refused() {
        assertThatThrownBy(() -> RecordLines.write(new ByteArrayInputStream(file(2, new long[] {1}, new long[] {1})),
                "f", new PrintWriter(new StringWriter())))
                .isInstanceOf(ToolFailure.class).hasMessage("f holds more records than the 1 offsets its header names");
        assertThatThrownBy(() -> RecordLines.write(new ByteArrayInputStream(file(1, new long[] {1, 2},
                new long[] {1, 2})), "f", new PrintWriter(new StringWriter())))
                .isInstanceOf(ToolFailure.class).hasMessage("f holds 1 records but its header names 2 offsets");
    }

    @Test
    void a_file_cut_short_reads_as_fewer_records_than_its_header_names() {
        byte[] whole = file(2, new long[] {40, 42}, new long[] {1000, 1001});
        byte[] cut = Arrays.copyOf(whole, whole.length - 30);

        assertThatThrownBy(() -> RecordLines.write(new ByteArrayInputStream(cut), "f",
                new PrintWriter(new StringWriter())))
                .isInstanceOf(ToolFailure.class).hasMessage("f holds 0 records but its header names 2 offsets");
    }

    @Test
    void a_damaged_block_is_not_a_complete_container_file() {
        byte[] damaged = file(2, new long[] {40, 42}, new long[] {1000, 1001});
        damaged[damaged.length - 1] ^= 1;

        assertThatThrownBy(() -> RecordLines.write(new ByteArrayInputStream(damaged), "f",
                new PrintWriter(new StringWriter())))
                .isInstanceOf(ToolFailure.class).hasMessageStartingWith("f is not a complete Avro container file");
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] file(int records, long[] offsets, long[] timestamps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(DemoEvents.SCHEMA))) {
            writer.setMeta(Provenance.TOPIC, "t");
            writer.setMeta(Provenance.PARTITION, "3");
            writer.setMeta(Provenance.OFFSETS, Provenance.encode(offsets, offsets.length));
            writer.setMeta(Provenance.TIMESTAMPS, Provenance.encode(timestamps, timestamps.length));
            writer.create(DemoEvents.SCHEMA, out);
            for (int i = 0; i < records; i++) {
                writer.append(EVENTS.event(i));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
