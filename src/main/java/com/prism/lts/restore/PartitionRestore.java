package com.prism.lts.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

import com.prism.lts.ToolFailure;
import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.ArchivedRecords;
import com.prism.lts.write.ArchivedRecords.Archived;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Produces the records of one source partition from its archive files in offset order.
 * <p>
 * The files of one partition hold interleaved offsets (one file per day, and days arrive mixed), so they are merged:
 * a file is fetched when the lowest offset still to produce reaches its first offset (which its key names), and let go
 * when it is used up. Only the files whose offsets overlap are held at once.
 * <p>
 * The records that files hold at one offset are one record when they name the same topic id, or when one names none
 * and their key, value, headers and timestamp are the same (a file written twice): it is produced once. Otherwise
 * they are records of two incarnations of the topic (deleted and created again under the same name), and each is
 * produced, the one of the file written earlier first.
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
        /** Sends a record; once Kafka has stored it, or refused it for good, the sink tells the checkpoint. */
        void send(ProducerRecord<byte[], byte[]> record, TopicPartition source, long sourceOffset)
                throws InterruptedException;

        boolean stopping();
    }

    /** One record of a file at the offset being produced. */
    private record Found(Cursor cursor, Archived record) {
        String topicId() {
            return cursor.topicId;
        }
    }

    /**
     * The file written earlier first; S3 keeps the time to the second, so within one second a key before its variants
     * ({@code +0000000250.avro} before {@code +0000000250-1.avro}, the archiver's name for a second file there).
     */
    private static final Comparator<Cursor> WRITTEN_FIRST = Comparator.comparing((Cursor c) -> c.file.written())
            .thenComparingInt(c -> ArchiveKey.parse(c.file.key()).map(ArchiveKey::variant).orElse(0))
            .thenComparing(c -> c.file.key());

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
     * Produces every record of {@code files} that {@code progress} says the target does not hold.
     *
     * @param files this partition's files, in the order of their first offsets
     * @return false when it stopped early because {@code sink} is stopping
     */
    boolean run(List<ArchiveFile> files, SourceProgress progress, Sink sink) throws InterruptedException {
        Deque<ArchiveFile> pending = new ArrayDeque<>(files);
        PriorityQueue<Cursor> open = new PriorityQueue<>(Comparator.comparingLong(Cursor::offset));
        while (!pending.isEmpty() || !open.isEmpty()) {
            while (!pending.isEmpty() && (open.isEmpty() || pending.peekFirst().firstOffset() <= open.peek().offset())) {
                Cursor cursor = fetch(pending.pollFirst());
                if (cursor.hasCurrent()) {
                    open.add(cursor);
                }
            }
            if (open.isEmpty()) {
                continue;
            }
            long offset = open.peek().offset();
            List<Cursor> here = new ArrayList<>();
            while (!open.isEmpty() && open.peek().offset() == offset) {
                here.add(open.poll());
            }
            here.sort(WRITTEN_FIRST);
            List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
            Map<String, Integer> ranks = new HashMap<>();
            for (List<Found> same : distinct(here)) {
                tally.archivedTwice += same.size() - 1;
                String topicId = same.stream().map(Found::topicId).filter(Objects::nonNull).findFirst().orElse("");
                if (progress.produced(topicId, offset, ranks.merge(topicId, 1, Integer::sum) - 1)) {
                    tally.restoredBefore++;
                } else {
                    toSend.add(produced(same.get(0), topicId));
                }
            }
            if (!toSend.isEmpty() && sink.stopping()) {
                return false;
            }
            progress.sending(offset, toSend.size());
            for (ProducerRecord<byte[], byte[]> record : toSend) {
                sink.send(record, source, offset);
                tally.produced++;
            }
            progress.sent(offset);
            for (Cursor cursor : here) {
                cursor.advance();
                if (cursor.hasCurrent()) {
                    open.add(cursor);
                }
            }
        }
        return true;
    }

    /** The records of one offset, grouped: each group is one record, in the order of the files given. */
    private static List<List<Found>> distinct(List<Cursor> here) {
        List<List<Found>> groups = new ArrayList<>();
        for (Cursor cursor : here) {
            Found found = new Found(cursor, cursor.current());
            groups.stream().filter(group -> same(group.get(0), found)).findFirst()
                    .orElseGet(() -> {
                        List<Found> group = new ArrayList<>();
                        groups.add(group);
                        return group;
                    }).add(found);
        }
        return groups;
    }

    private static boolean same(Found a, Found b) {
        if (a.topicId() != null && b.topicId() != null) {
            return a.topicId().equals(b.topicId());
        }
        Archived x = a.record();
        Archived y = b.record();
        return x.timestamp() == y.timestamp() && a.cursor.schemaId == b.cursor.schemaId
                && Arrays.equals(x.key(), y.key()) && Arrays.equals(x.datum(), y.datum())
                && Arrays.equals(x.headers(), y.headers());
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
        return new Cursor(file, records, wireSchemaId(records, file));
    }

    /** The record as it was sent: same key, value in the Confluent wire format, same timestamp and headers. */
    private ProducerRecord<byte[], byte[]> produced(Found found, String topicId) {
        Archived record = found.record();
        ByteBuffer value = ByteBuffer.allocate(5 + record.datum().length);
        value.put((byte) 0).putInt(found.cursor.schemaId).put(record.datum());
        RecordHeaders headers = new RecordHeaders(record.headers());
        headers.add(RestoreHeaders.SOURCE_TOPIC, utf8(source.topic()));
        headers.add(RestoreHeaders.SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(RestoreHeaders.SOURCE_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(RestoreHeaders.JOB, utf8(job));
        if (!topicId.isEmpty()) {
            headers.add(RestoreHeaders.SOURCE_TOPIC_ID, utf8(topicId));
        }
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

    /** An archive file of this partition as the listing names it; {@code written} is its S3 last-modified time. */
    record ArchiveFile(String key, long firstOffset, long bytes, String eTag, Instant written) {
    }

    /** The next record of a fetched file. */
    private static final class Cursor {
        private final ArchiveFile file;
        private final List<Archived> records;
        private final int schemaId;
        /** The topic incarnation the file names (format version 3), or null. */
        private final String topicId;
        private int next;

        Cursor(ArchiveFile file, ArchivedRecords records, int schemaId) {
            this.file = file;
            this.records = records.records();
            this.schemaId = schemaId;
            this.topicId = records.provenance().topicId();
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
