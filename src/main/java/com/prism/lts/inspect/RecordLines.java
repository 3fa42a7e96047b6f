package com.prism.lts.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.prism.lts.ToolFailure;
import com.prism.lts.write.Provenance;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Writes the records of an archive file as JSON lines: {@code {"topic", "partition", "offset", "timestamp", "value"}},
 * the Kafka coordinates taken from the file's own provenance, the value as Avro writes a record as JSON.
 */
final class RecordLines {

    private static final JsonFactory JSON = new JsonFactory();

    private RecordLines() {
    }

    /**
     * Writes every record of the container file in {@code file} and returns how many there were.
     *
     * @param name how messages name the file
     * @throws ToolFailure when the file is not an Avro container file, carries no provenance, or is cut short
     */
    static long write(InputStream file, String name, PrintWriter out) {
        DataFileStream<GenericRecord> records;
        try {
            records = new DataFileStream<>(file, new GenericDatumReader<>());
        } catch (IOException e) {
            throw new ToolFailure(name + " is not an Avro container file");
        }
        try (records) {
            Provenance provenance;
            try {
                provenance = Provenance.of(records);
            } catch (IllegalArgumentException e) {
                throw new ToolFailure(name + " is an Avro file but not a Prism LTS archive file: " + e.getMessage());
            }
            int count = 0;
            for (GenericRecord record : records) {
                if (count == provenance.offsets().length) {
                    throw new ToolFailure(name + " holds more records than the " + count + " offsets its header names");
                }
                out.println(line(provenance, count++, record));
            }
            if (count != provenance.offsets().length) {
                throw new ToolFailure(name + " holds " + count + " records but its header names "
                        + provenance.offsets().length + " offsets");
            }
            return count;
        } catch (IOException | AvroRuntimeException e) {
            throw new ToolFailure(name + " is not a complete Avro container file: " + e.getMessage());
        }
    }

    /** The JSON line of record {@code index} of a file. */
    static String line(Provenance provenance, int index, GenericRecord value) {
        StringWriter line = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("topic", provenance.topic());
            json.writeNumberField("partition", provenance.partition());
            json.writeNumberField("offset", provenance.offsets()[index]);
            json.writeNumberField("timestamp", provenance.timestamps()[index]);
            json.writeFieldName("value");
            json.writeRawValue(GenericData.get().toString(value));
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString();
    }
}
