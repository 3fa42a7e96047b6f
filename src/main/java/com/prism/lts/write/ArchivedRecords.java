package com.prism.lts.write;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;


import com.prism.lts.ToolFailure;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * The records of one whole archive file: each value's exact bytes as the archive stored them (cut from the decompressed
 * blocks, never decoded and encoded again), with its offset, timestamp and, in files of format version 2 and later, its
 * timestamp type, key and headers. A restore produces them; a taken key is settled by them.
 */
public final class ArchivedRecords {

    private static final Header[] NO_HEADERS = new Header[0];

    /**
     * One record of a file. A file of format version 1 kept no key, headers or timestamp type: they are null, empty
     * and {@link TimestampType#NO_TIMESTAMP_TYPE}.
     */
    public record Archived(long offset, long timestamp, TimestampType timestampType, byte[] key, Header[] headers,
            byte[] datum) {

        /**
         * Whether this is the record that {@code offset}, {@code timestamp}, {@code datum} and, when the file kept
         * them ({@code withKafkaFields}), the timestamp type, key and headers describe: the same record, not only the
         * same offset.
         */
        public boolean is(long offset, long timestamp, TimestampType timestampType, byte[] key, Header[] headers,
                byte[] datum, boolean withKafkaFields) {
            return this.offset == offset && this.timestamp == timestamp && Arrays.equals(this.datum, datum)
                    && (!withKafkaFields || this.timestampType == timestampType && Arrays.equals(this.key, key)
                            && Arrays.equals(this.headers, headers));
        }
    }

    private final Provenance provenance;
    private final boolean hasKafkaFields;
    private final List<Archived> records;

    private ArchivedRecords(Provenance provenance, boolean hasKafkaFields, List<Archived> records) {
        this.provenance = provenance;
        this.hasKafkaFields = hasKafkaFields;
        this.records = records;
    }

    /**
     * Reads a whole file.
     *
     * @throws ToolFailure when it is not a complete Prism LTS archive file
     */
    public static ArchivedRecords read(byte[] file, String name) {
        try (DataFileStream<Object> stream = new DataFileStream<>(new ByteArrayInputStream(file),
                new GenericDatumReader<>())) {
            Provenance provenance = Provenance.of(stream);
            int count = provenance.offsets().length;
            Optional<KafkaFields> fields = KafkaFields.of(stream, count);
            List<byte[]> datums = datums(stream, stream.getSchema());
            if (datums.size() != count) {
                throw new ToolFailure(name + " holds " + datums.size() + " records but its header names " + count
                        + " offsets");
            }
            KafkaFields kafka = fields.orElse(null);
            List<Archived> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                records.add(new Archived(provenance.offsets()[i], provenance.timestamps()[i],
                        kafka == null ? TimestampType.NO_TIMESTAMP_TYPE : kafka.timestampTypes()[i],
                        kafka == null ? null : kafka.keys()[i], kafka == null ? NO_HEADERS : kafka.headers()[i],
                        datums.get(i)));
            }
            return new ArchivedRecords(provenance, fields.isPresent(), records);
        } catch (IOException | AvroRuntimeException | IllegalArgumentException e) {
            throw new ToolFailure(name + " cannot be read as a Prism LTS archive file: " + e.getMessage());
        }
    }

    /** Each record's bytes: a datum ends where skipping it by its schema ends. */
    private static List<byte[]> datums(DataFileStream<Object> stream, Schema schema) throws IOException {
        List<byte[]> datums = new ArrayList<>();
        while (stream.hasNext()) {
            long count = stream.getBlockCount();
            ByteBuffer block = stream.nextBlock();
            Position in = new Position(block.array(), block.arrayOffset() + block.position(), block.remaining());
            Decoder decoder = DecoderFactory.get().directBinaryDecoder(in, null);
            for (long i = 0; i < count; i++) {
                int start = in.position();
                GenericDatumReader.skip(schema, decoder);
                byte[] datum = new byte[in.position() - start];
                System.arraycopy(block.array(), start, datum, 0, datum.length);
                datums.add(datum);
            }
        }
        return datums;
    }

    public Provenance provenance() {
        return provenance;
    }

    /** Whether the file kept keys, headers and timestamp types (format version 2 and later). */
    public boolean hasKafkaFields() {
        return hasKafkaFields;
    }

    public List<Archived> records() {
        return records;
    }

    /** A byte array input whose position a direct decoder, which reads no further than it needs, leaves exact. */
    private static final class Position extends ByteArrayInputStream {
        Position(byte[] bytes, int offset, int length) {
            super(bytes, offset, length);
        }

        int position() {
            return pos;
        }
    }
}
