package com.prism.lts.compact;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import com.prism.lts.decode.ConfluentAvroDecoder;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Events as varied as producers send them: demo events whose day is the i-th of ten, on three partitions, keys null,
 * empty or bytes, headers absent or repeated with a null value, some of a second writer schema (an added optional
 * field, {@code region}), and some encoded as Avro allows but Java's encoder never writes (a map in two blocks), whose
 * bytes only a copy can give back.
 */
final class VariedEvents {

    static final int SCHEMA_V2_ID = 2;
    static final Schema SCHEMA_V2 = withRegion();
    static final Header[] REPEATED = {new RecordHeader("trace", bytes("a")), new RecordHeader("trace", bytes("a")),
        new RecordHeader("empty", null)};

    private VariedEvents() {
    }

    private static Schema withRegion() {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("UserEvent").namespace("com.prism.events")
                .fields();
        for (Schema.Field field : DemoEvents.SCHEMA.getFields()) {
            fields = fields.name(field.name()).type(field.schema()).noDefault();
        }
        return fields.name("region").type().optional().stringType().endRecord();
    }

    static void publishSchemas(Path schemas) {
        Events.publishSchema(schemas, SCHEMA_V2_ID, SCHEMA_V2);
    }

    /**
     * Sends {@code count} events numbered from {@code first}; event i is of day {@code days[i % days.length]}, on
     * partition i % 3. The second schema is used from {@code v2From} on, for every other event.
     */
    static void send(KafkaProducer<byte[], byte[]> producer, String topic, long first, int count, LocalDate[] days,
            long v2From) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (long i = first; i < first + count; i++) {
            LocalDate day = days[(int) (i % days.length)];
            GenericRecord demo = new DemoEvents(day, 1, 17).event(i);
            boolean v2 = i >= v2From && i % 2 == 0;
            GenericRecord event = demo;
            if (v2) {
                event = new GenericData.Record(SCHEMA_V2);
                for (Schema.Field field : DemoEvents.SCHEMA.getFields()) {
                    event.put(field.name(), demo.get(field.name()));
                }
                event.put("region", i % 4 == 0 ? null : "eu-" + i % 7);
            }
            byte[] datum = i % 11 == 5 && !v2 ? mapInTwoBlocks(demo) : encode(event);
            byte[] value = ConfluentAvroDecoder.frame(v2 ? SCHEMA_V2_ID : Events.DEMO_SCHEMA_ID, datum);
            byte[] key = switch ((int) (i / 3 % 3)) {
                case 0 -> null;
                case 1 -> new byte[0];
                default -> ("user-" + i).getBytes(StandardCharsets.UTF_8);
            };
            List<Header> headers = i / 9 % 2 == 0 ? List.of(REPEATED) : List.of();
            sent.add(producer.send(new ProducerRecord<>(topic, (int) (i % 3), null, key, value, headers)));
        }
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("Kafka did not take an event", e);
            }
        }
    }

    static byte[] encode(GenericRecord event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(event.getSchema()).write(event, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A demo event whose {@code properties} map (its last field) is written as blocks of one entry each: valid Avro
     * that decodes to the same event, but not the bytes Java's encoder writes for it.
     */
    static byte[] mapInTwoBlocks(GenericRecord demo) {
        GenericRecord withoutProperties = new GenericData.Record(DemoEvents.SCHEMA);
        DemoEvents.SCHEMA.getFields().forEach(f -> withoutProperties.put(f.name(), demo.get(f.name())));
        withoutProperties.put("properties", Map.of());
        byte[] head = encode(withoutProperties);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head, 0, head.length - 1);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) demo.get("properties")).entrySet()) {
                encoder.writeLong(1);
                encoder.writeString(entry.getKey().toString());
                encoder.writeString(entry.getValue().toString());
            }
            encoder.writeLong(0);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The event a record of the topic holds, read with the writer schema its id names. */
    static GenericRecord decode(ConsumerRecord<byte[], byte[]> record) {
        Schema schema = java.nio.ByteBuffer.wrap(record.value(), 1, 4).getInt() == SCHEMA_V2_ID ? SCHEMA_V2
                : DemoEvents.SCHEMA;
        try {
            return new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get()
                    .binaryDecoder(record.value(), 5, record.value().length - 5, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The day ({@code metric_date}) of a record's event. */
    static LocalDate dayOf(ConsumerRecord<byte[], byte[]> record) {
        return LocalDate.parse(decode(record).get("metric_date").toString());
    }

    static String eventId(ConsumerRecord<byte[], byte[]> record) {
        return decode(record).get("event_id").toString();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
