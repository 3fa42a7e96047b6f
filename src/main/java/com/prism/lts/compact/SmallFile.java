package com.prism.lts.compact;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.prism.lts.table.ArchiveTable;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.KafkaFields;
import com.prism.lts.write.Provenance;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * One small archive file, read whole (it holds at most {@code prism.flush.size} records): each record's event, the
 * exact bytes the producer sent for it (cut from the decompressed block where decoding it ended) and its Kafka
 * fields. docs/file-format.md specifies the file.
 */
final class SmallFile {

    /** Where a small file is and which version of it: its key and ETag name it in the table ({@code prism.file}). */
    record Label(String key, String eTag) {
    }

    private final Label label;
    private final ArchiveKey key;
    private final Provenance provenance;
    private final Schema schema;
    private final List<GenericRecord> events;
    private final List<byte[]> values;
    private final Optional<KafkaFields> kafka;

    private SmallFile(Label label, ArchiveKey key, Provenance provenance, Schema schema, List<GenericRecord> events,
            List<byte[]> values, Optional<KafkaFields> kafka) {
        this.label = label;
        this.key = key;
        this.provenance = provenance;
        this.schema = schema;
        this.events = events;
        this.values = values;
        this.kafka = kafka;
    }

    /**
     * Reads a file's bytes.
     *
     * @throws Unreadable when they are not a complete archive file of the topic, partition and day its key names
     */
    static SmallFile read(Label label, ArchiveKey key, byte[] bytes) {
        try (DataFileStream<GenericRecord> stream = new DataFileStream<>(new ByteArrayInputStream(bytes),
                new GenericDatumReader<>())) {
            Provenance provenance = Provenance.of(stream);
            int count = provenance.offsets().length;
            if (!provenance.topic().equals(key.topic()) || provenance.partition() != key.partition()
                    || count == 0 || provenance.offsets()[0] != key.startOffset()) {
                throw new Unreadable(label.key() + " holds records of " + provenance.topic() + "-"
                        + provenance.partition() + " from offset " + (count == 0 ? "(none)" : provenance.offsets()[0])
                        + ", not what its key names");
            }
            Optional<KafkaFields> kafka = KafkaFields.of(stream, count);
            Schema schema = stream.getSchema();
            List<GenericRecord> events = new ArrayList<>(count);
            List<byte[]> values = new ArrayList<>(count);
            GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
            while (stream.hasNext()) {
                long blockCount = stream.getBlockCount();
                ByteBuffer block = stream.nextBlock();
                Position in = new Position(block.array(), block.arrayOffset() + block.position(), block.remaining());
                BinaryDecoder decoder = DecoderFactory.get().directBinaryDecoder(in, null);
                for (long i = 0; i < blockCount; i++) {
                    int start = in.position();
                    events.add(reader.read(null, decoder));
                    byte[] value = new byte[in.position() - start];
                    System.arraycopy(block.array(), start, value, 0, value.length);
                    values.add(value);
                }
            }
            if (events.size() != count) {
                throw new Unreadable(label.key() + " holds " + events.size() + " records but its header names " + count
                        + " offsets");
            }
            return new SmallFile(label, key, provenance, schema, events, values, kafka);
        } catch (IOException | AvroRuntimeException | IllegalArgumentException e) {
            throw new Unreadable(label.key() + " cannot be read as an archive file: " + e.getMessage());
        }
    }

    /** A writer schema and its id ({@code prism.schema.id}). */
    record WriterSchema(Schema schema, String id) {
    }

    /**
     * The writer schema of a file, from its header alone.
     *
     * @throws Unreadable when the bytes are not an archive file
     */
    static WriterSchema schemaOf(Label label, byte[] bytes) {
        try (DataFileStream<GenericRecord> stream = new DataFileStream<>(new ByteArrayInputStream(bytes),
                new GenericDatumReader<>())) {
            return new WriterSchema(stream.getSchema(), idOf(Provenance.of(stream)));
        } catch (IOException | AvroRuntimeException | IllegalArgumentException e) {
            throw new Unreadable(label.key() + " cannot be read as an archive file: " + e.getMessage());
        }
    }

    private static String idOf(Provenance provenance) {
        return provenance.schemaId() == null ? "fp-unknown" : provenance.schemaId();
    }

    Label label() {
        return label;
    }

    ArchiveKey key() {
        return key;
    }

    int partition() {
        return provenance.partition();
    }

    int size() {
        return events.size();
    }

    long offset(int i) {
        return provenance.offsets()[i];
    }

    long lastOffset() {
        return provenance.offsets()[provenance.offsets().length - 1];
    }

    long[] offsets() {
        return provenance.offsets();
    }

    Schema schema() {
        return schema;
    }

    String schemaId() {
        return idOf(provenance);
    }

    GenericRecord event(int i) {
        return events.get(i);
    }

    /** The provenance of record {@code i} as a row of the table holds it. */
    ArchiveTable.Provenance rowProvenance(int i, LocalDate day) {
        KafkaFields fields = kafka.orElse(null);
        return new ArchiveTable.Provenance(provenance.topic(), provenance.topicId(), provenance.partition(),
                provenance.offsets()[i], provenance.timestamps()[i],
                fields == null ? null : fields.timestampTypes()[i], fields == null ? null : fields.keys()[i],
                fields == null ? null : fields.headers()[i], schemaId(), day, values.get(i), label.key(),
                label.eTag());
    }

    /** A file that cannot be read: its day is left as it is, and reported with this message. */
    static final class Unreadable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreadable(String message) {
            super(message);
        }
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
