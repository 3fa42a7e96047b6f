package com.prism.lts.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Any Kafka {@link Deserializer} that yields Avro records (Apicurio's, a customer's own): the records are re-encoded
 * with their own schema for the archive.
 * <p>
 * A deserializer cannot say whether a failure is the record's fault, so a failure caused by I/O (a registry that
 * cannot be reached) is treated as transient and retried; any other failure rejects the record.
 */
public final class KafkaDeserializerDecoder implements EventDecoder {

    private final Deserializer<?> deserializer;
    private final Map<Schema, Writer> writers = new ConcurrentHashMap<>();

    private record Writer(String id, DatumWriter<Object> datumWriter) {
    }

    public KafkaDeserializerDecoder(Deserializer<?> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public DecodedEvent decode(String topic, byte[] value) throws RecordRejectedException, IOException {
        Object event;
        try {
            event = deserializer.deserialize(topic, value);
        } catch (RuntimeException e) {
            if (ObjectHelper.getException(IOException.class, e) != null) {
                throw new IOException(deserializer.getClass().getName() + " could not reach what it needs", e);
            }
            throw new RecordRejectedException(RejectReason.INVALID_AVRO,
                    deserializer.getClass().getName() + " could not read the value: " + e);
        }
        if (event == null) {
            throw new RecordRejectedException(RejectReason.NULL_VALUE, "the record has no value");
        }
        if (!(event instanceof IndexedRecord record)) {
            throw new RecordRejectedException(RejectReason.INVALID_AVRO, deserializer.getClass().getName()
                    + " produced a " + event.getClass().getName() + ", not an Avro record");
        }
        Writer writer = writers.computeIfAbsent(record.getSchema(), schema -> new Writer(
                "fp-" + HexFormat.of().toHexDigits(SchemaNormalization.parsingFingerprint64(schema)),
                record instanceof SpecificRecord
                        ? new SpecificDatumWriter<>(schema) : new GenericDatumWriter<>(schema)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value == null ? 64 : value.length);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            writer.datumWriter().write(record, encoder);
        } catch (RuntimeException e) {
            // the deserializer's record does not fit its own schema (a null where none may be, a wrong type): no retry
            // will change that
            throw new RecordRejectedException(RejectReason.INVALID_AVRO, deserializer.getClass().getName()
                    + " produced a record its own schema cannot write: " + e);
        }
        byte[] datum = bytes.toByteArray();
        return new DecodedEvent(writer.id(), record.getSchema(), record, datum, 0, datum.length);
    }
}
