package com.prism.lts.decode;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.prism.lts.day.MetricDates;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * The Confluent wire format: magic byte 0, the writer schema's id as a 4-byte big-endian int, then the Avro binary
 * encoding of the event.
 * <p>
 * The event is read with a projection that keeps only the fields leading to its metric date (its topic's field):
 * every byte is still checked, but only those fields are built. The bytes themselves are what gets archived.
 */
public final class ConfluentAvroDecoder implements EventDecoder {

    static final byte MAGIC = 0;
    static final int HEADER_LENGTH = 5;

    private final SchemaSource schemas;
    private final MetricDates metricDates;
    private final Map<Integer, Schema> writers = new ConcurrentHashMap<>();
    /** Per topic (each reads the fields of its own metric date), per schema id. */
    private final Map<String, Map<Integer, Reader>> readers = new ConcurrentHashMap<>();

    private record Reader(String id, Schema writer, GenericDatumReader<Object> projection) {
    }

    public ConfluentAvroDecoder(SchemaSource schemas, MetricDates metricDates) {
        this.schemas = schemas;
        this.metricDates = metricDates;
    }

    @Override
    public DecodedEvent decode(String topic, byte[] value) throws RecordRejectedException, IOException {
        if (value == null) {
            throw new RecordRejectedException(RejectReason.NULL_VALUE, "the record has no value (a tombstone)");
        }
        if (value.length < HEADER_LENGTH || value[0] != MAGIC) {
            throw new RecordRejectedException(RejectReason.NOT_WIRE_FORMAT, value.length < HEADER_LENGTH
                    ? "the value is " + value.length + " bytes long, shorter than the 5-byte Confluent header"
                    : "the value starts with byte " + value[0] + ", not the Confluent magic byte 0");
        }
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Reader reader = reader(topic, id);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, HEADER_LENGTH, value.length - HEADER_LENGTH,
                null);
        Object fields;
        try {
            fields = reader.projection().read(null, decoder);
        } catch (EOFException e) {
            throw new RecordRejectedException(RejectReason.INVALID_AVRO,
                    "the value ends before a complete record of schema " + id);
        } catch (IOException | RuntimeException e) {
            throw new RecordRejectedException(RejectReason.INVALID_AVRO,
                    "the value is not valid Avro for schema " + id + ": " + e);
        }
        if (!decoder.isEnd()) {
            throw new RecordRejectedException(RejectReason.INVALID_AVRO,
                    "the value has bytes left over after a complete record of schema " + id);
        }
        if (!(fields instanceof IndexedRecord record)) {
            throw new RecordRejectedException(RejectReason.MISSING_METRIC_DATE, "schema " + id + " is a "
                    + reader.writer().getType().getName() + ", not a record that could hold a metric date");
        }
        return new DecodedEvent(reader.id(), reader.writer(), record, value, HEADER_LENGTH,
                value.length - HEADER_LENGTH);
    }

    private Reader reader(String topic, int id) throws RecordRejectedException, IOException {
        Map<Integer, Reader> ofTopic = readers.get(topic);
        if (ofTopic == null) {
            ofTopic = readers.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
        }
        Reader reader = ofTopic.get(id);
        if (reader == null) {
            Schema writer = writers.get(id);
            if (writer == null) {
                writer = schemas.schema(id);
                writers.putIfAbsent(id, writer);
            }
            reader = new Reader(Integer.toString(id), writer,
                    new GenericDatumReader<>(writer, metricDates.of(topic).projection(writer)));
            ofTopic.putIfAbsent(id, reader);
        }
        return reader;
    }

    /** Frames an encoded event in the wire format: what Confluent's serializer produces. */
    public static byte[] frame(int schemaId, byte[] datum) {
        return ByteBuffer.allocate(HEADER_LENGTH + datum.length).put(MAGIC).putInt(schemaId).put(datum).array();
    }
}
