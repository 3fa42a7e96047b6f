package com.prism.lts.write;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

import com.prism.lts.batch.ArchiveBatch;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;

/**
 * What a version-2 archive file keeps of each Kafka record besides its value, offset and timestamp: the timestamp's
 * type, the key bytes and the headers, so that a restore can produce the record again as it was. They live in the
 * file's header metadata, beside {@link Provenance}, one entry each, holding one value per record in file order, each
 * in Avro's binary encoding of a schema given here (docs/file-format.md): any Avro library reads them back. The
 * records' values stay the customer's own records, untouched.
 * <p>
 * Timestamp types are run-length encoded (a topic has one type, so a file usually needs two bytes for all of its
 * records). Keys and headers are compressed with raw DEFLATE (RFC 1951, what {@code zlib} offers in every language):
 * measured on 250 demo records, keys took 13 bytes a record as they are and 4 deflated, and three usual headers
 * (a trace parent, a content type, a source) 127 bytes a record as they are and 25 deflated, beside 64 bytes a record
 * for the deflate-compressed values themselves.
 */
public record KafkaFields(TimestampType[] timestampTypes, byte[][] keys, Header[][] headers) {

    public static final String TIMESTAMP_TYPES = "prism.timestamp.types";
    public static final String KEYS = "prism.keys";
    public static final String HEADERS = "prism.headers";

    /** One key: null, or its bytes. */
    public static final Schema KEY_SCHEMA = new Schema.Parser().parse("[\"null\", \"bytes\"]");
    /** The headers of one record, in order, duplicates included; Kafka header keys are UTF-8 strings. */
    public static final Schema HEADERS_SCHEMA = new Schema.Parser().parse("""
            {"type": "array", "items": {"type": "record", "name": "Header", "namespace": "com.prism.lts",
             "fields": [{"name": "key", "type": "string"}, {"name": "value", "type": ["null", "bytes"]}]}}""");

    private static final Header[] NO_HEADERS = new Header[0];

    /** Runs of equal timestamp types: each a run length (Avro long), then Kafka's id of the type (Avro int). */
    static byte[] encodeTimestampTypes(ArchiveBatch batch) {
        return encode(encoder -> {
            int run = 0;
            for (int i = 0; i < batch.size(); i++) {
                run++;
                if (i + 1 == batch.size() || batch.timestampType(i + 1) != batch.timestampType(i)) {
                    encoder.writeLong(run);
                    encoder.writeInt(batch.timestampType(i).id);
                    run = 0;
                }
            }
        });
    }

    /** Each record's key as a {@link #KEY_SCHEMA} value, deflated. */
    static byte[] encodeKeys(ArchiveBatch batch) {
        return deflated(encoder -> {
            for (int i = 0; i < batch.size(); i++) {
                writeNullable(encoder, batch.key(i));
            }
        });
    }

    /** Each record's headers as a {@link #HEADERS_SCHEMA} value, deflated. */
    static byte[] encodeHeaders(ArchiveBatch batch) {
        return deflated(encoder -> {
            for (int i = 0; i < batch.size(); i++) {
                Header[] headers = batch.headers(i) == null ? NO_HEADERS : batch.headers(i).toArray();
                encoder.writeArrayStart();
                encoder.setItemCount(headers.length);
                for (Header header : headers) {
                    encoder.startItem();
                    encoder.writeString(header.key());
                    writeNullable(encoder, header.value());
                }
                encoder.writeArrayEnd();
            }
        });
    }

    /**
     * The Kafka fields of the {@code records} records of an archive file, from its header; empty for a file of format
     * version 1, which kept none of them.
     *
     * @throws IllegalArgumentException when the header holds them for another number of records, or cut short
     */
    public static Optional<KafkaFields> of(DataFileStream<?> file, int records) {
        byte[] types = file.getMeta(TIMESTAMP_TYPES);
        byte[] keys = file.getMeta(KEYS);
        byte[] headers = file.getMeta(HEADERS);
        if (types == null && keys == null && headers == null) {
            return Optional.empty();
        }
        if (types == null || keys == null || headers == null) {
            throw new IllegalArgumentException("the file has only some of " + TIMESTAMP_TYPES + ", " + KEYS + " and "
                    + HEADERS);
        }
        try {
            return Optional.of(new KafkaFields(decodeTimestampTypes(types, records),
                    decodeKeys(inflated(keys), records), decodeHeaders(inflated(headers), records)));
        } catch (IOException e) {
            throw new IllegalArgumentException("the Kafka fields in the file's header are cut short", e);
        }
    }

    private static TimestampType[] decodeTimestampTypes(byte[] bytes, int records) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        TimestampType[] types = new TimestampType[records];
        int filled = 0;
        while (!decoder.isEnd()) {
            long run = decoder.readLong();
            TimestampType type = timestampType(decoder.readInt());
            if (run < 1 || filled + run > records) {
                throw new IllegalArgumentException(TIMESTAMP_TYPES + " names more than " + records + " records");
            }
            for (long i = 0; i < run; i++) {
                types[filled++] = type;
            }
        }
        requireCount(TIMESTAMP_TYPES, filled, records);
        return types;
    }

    private static TimestampType timestampType(int id) {
        for (TimestampType type : TimestampType.values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new IllegalArgumentException(TIMESTAMP_TYPES + " names timestamp type " + id + ", which Kafka has not");
    }

    private static byte[][] decodeKeys(byte[] bytes, int records) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        List<byte[]> keys = new ArrayList<>(records);
        while (!decoder.isEnd()) {
            keys.add(readNullable(decoder));
        }
        requireCount(KEYS, keys.size(), records);
        return keys.toArray(byte[][]::new);
    }

    private static Header[][] decodeHeaders(byte[] bytes, int records) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        List<Header[]> all = new ArrayList<>(records);
        while (!decoder.isEnd()) {
            List<Header> headers = new ArrayList<>();
            for (long n = decoder.readArrayStart(); n > 0; n = decoder.arrayNext()) {
                for (long i = 0; i < n; i++) {
                    headers.add(new RecordHeader(decoder.readString(), readNullable(decoder)));
                }
            }
            all.add(headers.toArray(NO_HEADERS));
        }
        requireCount(HEADERS, all.size(), records);
        return all.toArray(Header[][]::new);
    }

    private static void requireCount(String key, int found, int records) {
        if (found != records) {
            throw new IllegalArgumentException(key + " holds " + found + " values for " + records + " records");
        }
    }

    private static void writeNullable(BinaryEncoder encoder, byte[] value) throws IOException {
        if (value == null) {
            encoder.writeIndex(0);
        } else {
            encoder.writeIndex(1);
            encoder.writeBytes(value);
        }
    }

    private static byte[] readNullable(BinaryDecoder decoder) throws IOException {
        return switch (decoder.readIndex()) {
            case 0 -> null;
            case 1 -> {
                ByteBuffer buffer = decoder.readBytes(null);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield bytes;
            }
            default -> throw new IllegalArgumentException("a null-or-bytes value has no branch beyond 1");
        };
    }

    private interface Writing {
        void to(BinaryEncoder encoder) throws IOException;
    }

    private static byte[] encode(Writing writing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        write(writing, out);
        return out.toByteArray();
    }

    private static byte[] deflated(Writing writing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try (DeflaterOutputStream deflating = new DeflaterOutputStream(out, deflater)) {
            write(writing, deflating);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    private static void write(Writing writing, OutputStream out) {
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writing.to(encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] inflated(byte[] deflated) throws IOException {
        Inflater inflater = new Inflater(true);
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated), inflater)) {
            return in.readAllBytes();
        } catch (ZipException e) {
            throw new IllegalArgumentException("the Kafka fields in the file's header are not raw DEFLATE", e);
        } finally {
            inflater.end();
        }
    }
}
