package com.prism.lts.upload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.config.Backoff;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.AvroBatchWriter;
import com.prism.lts.write.Provenance;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.InvalidAvroMagicException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Settles an upload that found its key already taken.
 * <p>
 * Archive files are written only if their key is free ({@code If-None-Match: *}). A key is taken when a file is
 * written again: the partition's next owner writes the files its previous owner cut but may not have uploaded, and
 * both write the same file. It can also be taken by a file that holds other records: written by a replica that files
 * records differently (another zone or field during a rolling change), left by another sink, or written before the
 * topic was deleted and created again.
 * <p>
 * So a taken key is settled by the records each file holds, read from the existing file's provenance (its header
 * only), a record being known by its offset and timestamp; never by counting. If the existing file holds every record
 * of this batch, it stays. If this batch holds every record of an existing Prism LTS file, it replaces it
 * ({@code If-Match} on the file inspected). Otherwise the existing file stays and the records it lacks are written
 * under their own key: the key of their first offset, or the next variant of the key. Whichever writer comes last, no
 * record that was committed disappears from S3, and none is written twice.
 */
public final class ExistingArchiveFile {

    private static final Logger LOG = LoggerFactory.getLogger(ExistingArchiveFile.class);
    private static final int PRECONDITION_FAILED = 412;

    private final ArchiveStore store;
    private final String bucket;
    private final AvroBatchWriter writer;
    private final Backoff retry;

    public ExistingArchiveFile(ArchiveStore store, String bucket, AvroBatchWriter writer, Backoff retry) {
        this.store = store;
        this.bucket = bucket;
        this.writer = writer;
        this.retry = retry;
    }

    /** Whether the upload failed because its key is taken. */
    public boolean isTaken(Exchange exchange) {
        return isTaken(exchange.getException() != null
                ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    /** Whether {@code failure} says that a key written only if free was taken. */
    public static boolean isTaken(Throwable failure) {
        S3Exception s3Failure = ObjectHelper.getException(S3Exception.class, failure);
        return s3Failure != null && s3Failure.statusCode() == PRECONDITION_FAILED;
    }

    /**
     * Settles the batch's file against what is under its key, retrying until S3 has answered. The message ends up
     * with the key and file where the last of the batch's records went, if anywhere.
     */
    public void settle(Exchange exchange) throws IOException, InterruptedException {
        Message message = exchange.getMessage();
        ArchiveBatch batch = exchange.getProperty(BatchUploaded.BATCH, ArchiveBatch.class);
        ArchiveKey key = ArchiveKey.parse(message.getHeader(AWS2S3Constants.KEY, String.class)).orElseThrow();
        Settled settled = settle(batch, key);
        message.setHeader(AWS2S3Constants.KEY, settled.key().toString());
        message.setBody(settled.file());
        message.setHeader(AWS2S3Constants.CONTENT_LENGTH, (long) settled.file().length);
    }

    /** Where the last of a batch's records went: the key and the file written or found there. */
    public record Settled(ArchiveKey key, byte[] file) {
    }

    /** Settles {@code batch}, whose upload found {@code key} taken, retrying until S3 has answered. */
    public Settled settle(ArchiveBatch batch, ArchiveKey key) throws IOException, InterruptedException {
        Backoff.Delays delays = retry.delays();
        // The file the failed upload sent, written again rather than read back from a body the upload consumed: the
        // same batch under the same key is the same bytes
        Attempt attempt = new Attempt(batch, key, writer.write(batch, key));
        while (true) {
            try {
                Attempt next = settleOnce(attempt);
                if (next == null) {
                    return new Settled(attempt.key, attempt.file);
                }
                attempt = next;
            } catch (IOException e) {
                long delay = delays.next();
                LOG.warn("Could not settle s3://{}/{}, retrying in {} ms: {}", bucket, attempt.key, delay,
                        e.getMessage());
                Thread.sleep(delay);
            }
        }
    }

    /** One round: null when settled, otherwise what to try next. */
    private Attempt settleOnce(Attempt attempt) throws IOException {
        Existing existing = inspect(attempt.key);
        if (existing == null) {
            return put(attempt, null) ? null : attempt;
        }
        ArchiveBatch ours = attempt.batch;
        if (existing.holdsAll(ours)) {
            LOG.info("s3://{}/{} already holds every record of {}: kept it", bucket, attempt.key, ours);
            return null;
        }
        if (existing.fromPrism() && existing.allIn(ours)) {
            if (!put(attempt, existing.eTag())) {
                return attempt;
            }
            LOG.info("Replaced s3://{}/{} ({} records) with {}, which holds all of them", bucket, attempt.key,
                    existing.size(), ours);
            return null;
        }
        ArchiveBatch rest = ours.subset(i -> !existing.holds(ours.offset(i), ours.timestamp(i))).orElseThrow();
        ArchiveKey next = rest.firstOffset() != attempt.key.startOffset()
                ? attempt.key.startingAt(rest.firstOffset()) : attempt.key.nextVariant();
        LOG.warn("s3://{}/{} holds other records than {} ({}); the {} records it lacks go to s3://{}/{}", bucket,
                attempt.key, ours, existing.fromPrism() ? "another replica filed them differently"
                        : "it was not written by Prism LTS", rest.size(), bucket, next);
        return new Attempt(rest, next, writer.write(rest, next));
    }

    /** Writes the attempt's file if its key is free ({@code eTag} null) or still holds the file of {@code eTag}. */
    private boolean put(Attempt attempt, String eTag) throws IOException {
        String key = attempt.key.toString();
        return eTag == null
                ? store.putIfAbsent(key, attempt.file, AvroBatchWriter.objectMetadata(attempt.batch))
                : store.putIfMatch(key, attempt.file, AvroBatchWriter.objectMetadata(attempt.batch), eTag);
    }

    /**
     * The file under {@code key}; null if there is none. A file that is not an Avro file, or has no Prism LTS
     * provenance, is foreign: it holds nothing this batch can count on.
     */
    private Existing inspect(ArchiveKey key) throws IOException {
        Optional<ArchiveStore.Stored> stored = store.get(key.toString());
        if (stored.isEmpty()) {
            return null;
        }
        String eTag = stored.get().eTag();
        Provenance provenance;
        try {
            if (stored.get().bytes().length < 4) {
                throw new InvalidAvroMagicException("shorter than an Avro header");
            }
            provenance = Provenance.of(new DataFileStream<>(new ByteArrayInputStream(stored.get().bytes()),
                    new GenericDatumReader<>()));
        } catch (InvalidAvroMagicException | IllegalArgumentException | AvroRuntimeException foreign) {
            return new Existing(eTag, Set.of(), false);
        }
        Set<Record> records = new HashSet<>();
        for (int i = 0; i < provenance.offsets().length; i++) {
            records.add(new Record(provenance.offsets()[i], provenance.timestamps()[i]));
        }
        return new Existing(eTag, records, true);
    }

    private record Attempt(ArchiveBatch batch, ArchiveKey key, byte[] file) {
    }

    private record Record(long offset, long timestamp) {
    }

    /** A file found under a key: the records its provenance names (none for a file without Prism provenance). */
    private record Existing(String eTag, Set<Record> records, boolean fromPrism) {

        boolean holds(long offset, long timestamp) {
            return records.contains(new Record(offset, timestamp));
        }

        boolean holdsAll(ArchiveBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                if (!holds(batch.offset(i), batch.timestamp(i))) {
                    return false;
                }
            }
            return true;
        }

        boolean allIn(ArchiveBatch batch) {
            Set<Record> theirs = new HashSet<>(records);
            for (int i = 0; i < batch.size(); i++) {
                theirs.remove(new Record(batch.offset(i), batch.timestamp(i)));
            }
            return theirs.isEmpty();
        }

        int size() {
            return records.size();
        }
    }
}
