package com.prism.lts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import com.prism.lts.decode.ConfluentAvroDecoder;
import com.prism.lts.decode.DecodedEvent;
import com.prism.lts.decode.DirectorySchemaSource;
import com.prism.lts.demo.DemoEvents;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Sends events the way a Confluent Avro producer does. */
public final class Events {

    public static final int DEMO_SCHEMA_ID = 1;

    private Events() {
    }

    public static void publishSchema(Path schemas, int id, Schema schema) {
        try {
            DirectorySchemaSource.publish(schemas, id, schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] wire(int schemaId, GenericRecord event) {
        return ConfluentAvroDecoder.frame(schemaId, DemoEvents.encode(event));
    }

    /** An event as {@link ConfluentAvroDecoder} hands it on: its datum inside the wire-format bytes. */
    public static DecodedEvent decoded(int schemaId, GenericRecord event) {
        byte[] wire = wire(schemaId, event);
        return new DecodedEvent(Integer.toString(schemaId), event.getSchema(), event, wire, 5, wire.length - 5);
    }

    /** A record as a consumer polls it, without key or headers, with its CreateTime timestamp. */
    public static ConsumerRecord<byte[], byte[]> polled(String topic, int partition, long offset, long timestamp) {
        return new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME, -1, -1, null, null,
                new RecordHeaders(), Optional.empty());
    }

    /** Sends one value to a partition and waits for the broker's acknowledgement. */
    public static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] key,
            byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }
}
