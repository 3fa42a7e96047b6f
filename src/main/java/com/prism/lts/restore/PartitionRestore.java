package com.prism.lts.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;

import com.prism.lts.ToolFailure;
import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.restore.ArchivedRecords.Archived;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Produces the records of one source partition from its archive files in offset order, each offset once.
 * <p>
 * The files of one partition hold interleaved offsets (one file per day, and days arrive mixed), so they are merged:
 * a file is fetched when the lowest offset still to produce reaches its first offset (which its key names), and let go
 * when it is used up. Only the files whose offsets overlap are held at once. An offset archived twice (in two files)
 * comes out of the merge twice in a row, and is produced once.
 */
final class PartitionRestore {

    /** What became of the records of one source partition. */
    static final class Tally {
        long files;
        long fetchedBytes;
        long produced;
        long restoredBefore;
        long archivedTwice;
        long withoutKafkaFields;
    }

    /** Where the records go, and how fast. */
    interface Sink {
        /** Sends a record; {@code acknowledged} runs once Kafka has stored it. */
        void send(ProducerRecord<byte[], byte[]> record, TopicPartition source, long sourceOffset)
                throws InterruptedException;

        boolean stopping();
    }

    private final ArchiveBucket bucket;
    private final TopicPartition source;
    private final TopicPartition target;
    private final String job;
    private final Tally tally = new Tally();

    PartitionRestore(ArchiveBucket bucket, TopicPartition source, TopicPartition target, String job) {
        this.bucket = bucket;
        this.source = source;
        this.target = target;
        this.job = job;
    }

    /**
     * Produces every record of {@code files} above {@code restoredUpTo}.
     *
     * @param files this partition's files, in the order of their first offsets
     * @return false when it stopped early because {@code sink} is stopping
     */
    boolean run(List<ArchiveFile> files, long restoredUpTo, Sink sink) throws InterruptedException {
        Deque<ArchiveFile> pending = new ArrayDeque<>(files);
        PriorityQueue<Cursor> open = new PriorityQueue<>(Comparator.comparingLong(Cursor::offset));
        long last = Long.MIN_VALUE;
        while (!pending.isEmpty() || !open.isEmpty()) {
            while (!pending.isEmpty() && (open.isEmpty() || pending.peekFirst().firstOffset() <= open.peek().offset())) {
                Cursor cursor = fetch(pending.pollFirst());
                if (cursor.hasCurrent()) {
                    open.add(cursor);
                }
            }
            Cursor cursor = open.poll();
            if (cursor == null) {
                continue;
            }
            Archived record = cursor.current();
            if (record.offset() == last) {
                tally.archivedTwice++;
            } else if (record.offset() <= restoredUpTo) {
                tally.restoredBefore++;
            } else {
                if (sink.stopping()) {
                    return false;
                }
                sink.send(produced(cursor, record), source, record.offset());
                tally.produced++;
            }
            last = record.offset();
            cursor.advance();
            if (cursor.hasCurrent()) {
                open.add(cursor);
            }
        }
        return true;
    }

    Tally tally() {
        return tally;
    }

    private Cursor fetch(ArchiveFile file) {
        byte[] bytes;
        try (InputStream in = bucket.open(file.key())) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ArchivedRecords records = ArchivedRecords.read(bytes, "s3://" + bucket.name() + "/" + file.key());
        if (!records.provenance().topic().equals(source.topic())
                || records.provenance().partition() != source.partition()) {
            throw new ToolFailure("s3://" + bucket.name() + "/" + file.key() + " holds records of "
                    + records.provenance().topic() + "-" + records.provenance().partition() + ", not of " + source
                    + " as its key says: run prism-lts audit");
        }
        tally.files++;
        tally.fetchedBytes += bytes.length;
        if (!records.hasKafkaFields()) {
            tally.withoutKafkaFields += records.records().size();
        }
        return new Cursor(records, wireSchemaId(records, file));
    }

    /** The record as it was sent: same key, value in the Confluent wire format, same timestamp and headers. */
    private ProducerRecord<byte[], byte[]> produced(Cursor cursor, Archived record) {
        ByteBuffer value = ByteBuffer.allocate(5 + record.datum().length);
        value.put((byte) 0).putInt(cursor.schemaId).put(record.datum());
        RecordHeaders headers = new RecordHeaders(record.headers());
        headers.add(RestoreHeaders.SOURCE_TOPIC, utf8(source.topic()));
        headers.add(RestoreHeaders.SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(RestoreHeaders.SOURCE_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(RestoreHeaders.JOB, utf8(job));
        return new ProducerRecord<>(target.topic(), target.partition(), record.timestamp(), record.key(),
                value.array(), headers);
    }

    private int wireSchemaId(ArchivedRecords records, ArchiveFile file) {
        try {
            return Integer.parseInt(records.provenance().schemaId());
        } catch (NumberFormatException e) {
            throw new ToolFailure("s3://" + bucket.name() + "/" + file.key() + " holds values read by another"
                    + " prism.decoder (schema " + records.provenance().schemaId() + "), which have no registry id:"
                    + " they cannot be produced in the Confluent wire format");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** An archive file of this partition as the listing names it. */
    record ArchiveFile(String key, long firstOffset, long bytes) {
    }

    /** The next record of a fetched file. */
    private static final class Cursor {
        private final List<Archived> records;
        private final int schemaId;
        private int next;

        Cursor(ArchivedRecords file, int schemaId) {
            this.records = file.records();
            this.schemaId = schemaId;
        }

        boolean hasCurrent() {
            return next < records.size();
        }

        Archived current() {
            return records.get(next);
        }

        long offset() {
            return records.get(next).offset();
        }

        void advance() {
            next++;
        }
    }
}
