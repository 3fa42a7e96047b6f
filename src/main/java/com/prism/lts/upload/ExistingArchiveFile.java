package com.prism.lts.upload;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

import com.prism.lts.ToolFailure;
import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.config.Backoff;
import com.prism.lts.observe.Stuck;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.ArchivedRecords;
import com.prism.lts.write.AvroBatchWriter;
import com.prism.lts.write.Provenance;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.header.Header;
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
 * So a taken key is settled by the records each file holds, read from the whole existing file, a record being known
 * by all of it (offset, timestamp, value, key, headers, schema, topic id: {@code Existing}); never by counting. If the existing file holds every record
 * of this batch, it stays. If this batch holds every record of an existing Prism LTS file, it replaces it
 * ({@code If-Match} on the file inspected). Otherwise the existing file stays, and the records it lacks are settled the
 * same way against the next variant of the key ({@code ...+<startOffset>-<n>.avro}), and so on until a variant holds
 * them all or is free. Every writer of the same records walks the same variants in the same order, so whichever
 * comes last, no record that was committed disappears from S3, and none is written twice.
 */
public final class ExistingArchiveFile {

    private static final Logger LOG = LoggerFactory.getLogger(ExistingArchiveFile.class);
    private static final int PRECONDITION_FAILED = 412;

    private final ArchiveStore store;
    private final String bucket;
    private final AvroBatchWriter writer;
    private final Backoff retry;
    private final Stuck stuck;

    /** @param stuck told of a file that must be read to settle a key, and cannot be (an archive storage class) */
    public ExistingArchiveFile(ArchiveStore store, String bucket, AvroBatchWriter writer, Backoff retry, Stuck stuck) {
        this.store = store;
        this.bucket = bucket;
        this.writer = writer;
        this.retry = retry;
        this.stuck = stuck;
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
        String unreadable = null;
        while (true) {
            try {
                Attempt next = settleOnce(attempt);
                if (next == null) {
                    if (unreadable != null) {
                        stuck.clear(unreadable);
                    }
                    return new Settled(attempt.key, attempt.file);
                }
                attempt = next;
            } catch (IOException e) {
                long delay = delays.next();
                LOG.warn("Could not settle s3://{}/{}, retrying in {} ms: {}", bucket, attempt.key, delay,
                        e.getMessage());
                if (inArchiveClass(e)) {
                    unreadable = "s3://" + bucket + "/" + attempt.key;
                    stuck.report(unreadable, "a file written again finds this key taken, and the file under it must"
                            + " be read to tell whether it holds the same records, but it is in an archive storage"
                            + " class (GLACIER, DEEP_ARCHIVE): restore it for a few days (docs/storage.md); until"
                            + " then the batch waits and its partition's commits stop at it");
                }
                Thread.sleep(delay);
            }
        }
    }

    /** Whether S3 refused to read an object because it must be restored first (InvalidObjectState). */
    private static boolean inArchiveClass(IOException failure) {
        S3Exception s3Failure = ObjectHelper.getException(S3Exception.class, failure);
        return s3Failure != null && s3Failure.awsErrorDetails() != null
                && "InvalidObjectState".equals(s3Failure.awsErrorDetails().errorCode());
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
        ArchiveBatch rest = ours.subset(i -> !existing.holds(ours, i)).orElseThrow();
        ArchiveKey next = attempt.key.nextVariant();
        LOG.warn("s3://{}/{} holds other records than {} ({}); the {} records it lacks go to s3://{}/{}", bucket,
                attempt.key, ours, existing.fromPrism() ? "another incarnation of the topic, or another replica that"
                        + " filed them differently" : "it was not written by Prism LTS", rest.size(), bucket, next);
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
     * The file under {@code key}; null if there is none. A file that is not a complete Prism LTS archive file is
     * foreign: it holds nothing this batch can count on.
     */
    private Existing inspect(ArchiveKey key) throws IOException {
        Optional<ArchiveStore.Stored> stored = store.get(key.toString());
        if (stored.isEmpty()) {
            return null;
        }
        try {
            return new Existing(stored.get().eTag(), ArchivedRecords.read(stored.get().bytes(), key.toString()));
        } catch (ToolFailure foreign) {
            return new Existing(stored.get().eTag(), null);
        }
    }

    private record Attempt(ArchiveBatch batch, ArchiveKey key, byte[] file) {
    }

    /**
     * A file found under a key, and the records it holds (null for a file that is not a Prism LTS archive file). A
     * record is known by all of it: its offset, timestamp and value, its key, headers and timestamp type where the file
     * kept them (format version 2 on), its writer schema, and its topic's id where both sides know it (version 3 on).
     * The offset alone does not name a record: a topic deleted and created again, or a log truncated by an unclean
     * leader election, puts other records at the same offsets.
     */
    private record Existing(String eTag, ArchivedRecords file) {

        boolean fromPrism() {
            return file != null;
        }

        boolean holds(ArchiveBatch batch, int i) {
            if (file == null || !sameSource(batch)) {
                return false;
            }
            Header[] headers = batch.headers(i) == null ? new Header[0] : batch.headers(i).toArray();
            byte[] datum = Arrays.copyOfRange(batch.data(i), batch.start(i), batch.start(i) + batch.length(i));
            for (ArchivedRecords.Archived record : file.records()) {
                if (record.is(batch.offset(i), batch.timestamp(i), batch.timestampType(i), batch.key(i), headers,
                        datum, file.hasKafkaFields())) {
                    return true;
                }
            }
            return false;
        }

        private boolean sameSource(ArchiveBatch batch) {
            Provenance provenance = file.provenance();
            return provenance.topic().equals(batch.topic()) && provenance.partition() == batch.partition()
                    && batch.schemaId().equals(provenance.schemaId())
                    && (provenance.topicId() == null || batch.topicId() == null
                            || provenance.topicId().equals(batch.topicId().toString()));
        }

        boolean holdsAll(ArchiveBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                if (!holds(batch, i)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether every record of this file is one of {@code batch}'s. */
        boolean allIn(ArchiveBatch batch) {
            if (file == null || !sameSource(batch)) {
                return false;
            }
            int matched = 0;
            for (int i = 0; i < batch.size(); i++) {
                if (holds(batch, i)) {
                    matched++;
                }
            }
            return matched == file.records().size();
        }

        int size() {
            return file == null ? 0 : file.records().size();
        }
    }
}
