package com.prism.lts.write;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import com.prism.lts.batch.ArchiveBatch;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.spi.DataFormatName;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The archive file as a Camel data format: {@code marshal} writes the body's {@link ArchiveBatch} as an Avro object
 * container file (with {@link AvroBatchWriter}), {@code unmarshal} gives a file's records back, each as a
 * {@link GenericRecord} of its writer schema.
 * <p>
 * A file's sync marker derives from its key, so that a batch written twice gives the same bytes under the same key:
 * the key must be known before the file is written. Marshal takes it from header {@code CamelAwsS3Key}, which the
 * route sets from the batch's headers just before, and refuses one that names another batch than the body's: should
 * an edited route lose the headers of the batch's first record, the upload fails and says why (and is retried, and
 * holds the partition's commits) rather than put the records under a key that no replay would write them under.
 * <p>
 * Marshal also tells aws2-s3 the file's length, content type and object metadata, from the same batch as the file's
 * header, so that the key, the metadata and the header agree (the audit compares them); and when the file was
 * written, to time its upload.
 */
public final class AvroFileFormat extends ServiceSupport implements DataFormat, DataFormatName {

    /** Exchange property holding when the file was written ({@link System#nanoTime()}), to time its upload. */
    public static final String WRITTEN_AT = "PrismFileWrittenAt";

    private final AvroBatchWriter writer;

    public AvroFileFormat(AvroBatchWriter writer) {
        this.writer = writer;
    }

    @Override
    public String getDataFormatName() {
        return "prism-avro-file";
    }

    @Override
    public void marshal(Exchange exchange, Object graph, OutputStream stream) throws IOException {
        if (!(graph instanceof ArchiveBatch batch)) {
            throw new IllegalArgumentException("the Avro file format writes a batch of records, not "
                    + (graph == null ? "null" : graph.getClass().getName()));
        }
        Message message = exchange.getMessage();
        byte[] file = writer.write(batch, keyOf(batch, message.getHeader(AWS2S3Constants.KEY, String.class)));
        stream.write(file);
        exchange.setProperty(WRITTEN_AT, System.nanoTime());
        message.setHeader(AWS2S3Constants.CONTENT_LENGTH, (long) file.length);
        message.setHeader(AWS2S3Constants.CONTENT_TYPE, AvroBatchWriter.CONTENT_TYPE);
        message.setHeader(AWS2S3Constants.METADATA, AvroBatchWriter.objectMetadata(batch));
    }

    private static ArchiveKey keyOf(ArchiveBatch batch, String header) {
        ArchiveKey key = header == null ? null : ArchiveKey.parse(header).orElse(null);
        if (key == null || !key.equals(ArchiveKey.of(key.prefix(), batch.topic(), batch.day(), batch.partition(),
                batch.firstOffset()))) {
            throw new IllegalStateException("header " + AWS2S3Constants.KEY + " must name the file of " + batch
                    + " before it is written, but it is " + header);
        }
        return key;
    }

    @Override
    public List<GenericRecord> unmarshal(Exchange exchange, InputStream stream) throws IOException {
        try (DataFileStream<GenericRecord> file = new DataFileStream<>(stream, new GenericDatumReader<>())) {
            List<GenericRecord> records = new ArrayList<>();
            file.forEach(records::add);
            return records;
        }
    }
}
