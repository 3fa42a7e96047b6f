package com.prism.lts.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.PriorityQueue;

import com.prism.lts.ToolFailure;
import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.table.ArchiveTable;
import com.prism.lts.table.CompactedDay;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.ArchivedRecords;
import com.prism.lts.write.ArchivedRecords.Archived;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Produces the records of one source partition from its archive files, and from the days of the compacted table
 * (docs/compaction.md), in offset order.
 * <p>
 * The files of one partition hold interleaved offsets (one file per day, and days arrive mixed), so they are merged:
 * a file is fetched when the lowest offset still to produce reaches its first offset (which its key names), and let go
 * when it is used up. Only the files whose offsets overlap are held at once. A compacted day is read as it is merged
 * (its rows of the partition, in offset order, a row group at a time), from the lowest offset its data files'
 * statistics name.
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

    /** One record of a file at the offset being produced, with the topic id and schema id of its file or row. */
    private record Found(Cursor cursor, Archived record, String topicId, int schemaId) {
    }

    /**
     * The file written earlier first; S3 keeps the time to the second, so within one second a key before its variants
     * ({@code +0000000250.avro} before {@code +0000000250-1.avro}, the archiver's name for a second file there).
     */
    private static final Comparator<Cursor> WRITTEN_FIRST = Comparator.comparing((Cursor c) -> c.source.written())
            .thenComparingInt(c -> ArchiveKey.parse(c.source.key()).map(ArchiveKey::variant).orElse(0))
            .thenComparing(c -> c.source.key());

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
     * Produces every record of {@code sources} that {@code progress} says the target does not hold.
     *
     * @param sources this partition's files and compacted days, in the order of their first offsets
     * @return false when it stopped early because {@code sink} is stopping
     */
    boolean run(List<? extends Source> sources, SourceProgress progress, Sink sink) throws InterruptedException {
        Deque<Source> pending = new ArrayDeque<>(sources);
        PriorityQueue<Cursor> open = new PriorityQueue<>(Comparator.comparingLong(Cursor::offset));
        try {
            return run(pending, open, progress, sink);
        } finally {
            open.forEach(Cursor::close);
        }
    }

    private boolean run(Deque<Source> pending, PriorityQueue<Cursor> open, SourceProgress progress, Sink sink)
            throws InterruptedException {
        while (!pending.isEmpty() || !open.isEmpty()) {
            while (!pending.isEmpty() && (open.isEmpty() || pending.peekFirst().firstOffset() <= open.peek().offset())) {
                Cursor cursor = fetch(pending.pollFirst());
                if (cursor.hasCurrent()) {
                    open.add(cursor);
                } else {
                    cursor.close();
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
                } else {
                    cursor.close();
                }
            }
        }
        return true;
    }

    /** The records of one offset, grouped: each group is one record, in the order of the files given. */
    private static List<List<Found>> distinct(List<Cursor> here) {
        List<List<Found>> groups = new ArrayList<>();
        for (Cursor cursor : here) {
            Found found = new Found(cursor, cursor.current(), cursor.topicId(), cursor.schemaId());
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
        return x.timestamp() == y.timestamp() && a.schemaId() == b.schemaId()
                && Arrays.equals(x.key(), y.key()) && Arrays.equals(x.datum(), y.datum())
                && Arrays.equals(x.headers(), y.headers());
    }

    Tally tally() {
        return tally;
    }

    private Cursor fetch(Source source) {
        return source instanceof TableDay day ? new TableCursor(day, source.key()) : fetch((ArchiveFile) source);
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
        return new FileCursor(file, records, wireSchemaId(records.provenance().schemaId(),
                "s3://" + bucket.name() + "/" + file.key()));
    }

    /** The record as it was sent: same key, value in the Confluent wire format, same timestamp and headers. */
    private ProducerRecord<byte[], byte[]> produced(Found found, String topicId) {
        Archived record = found.record();
        ByteBuffer value = ByteBuffer.allocate(5 + record.datum().length);
        value.put((byte) 0).putInt(found.schemaId()).put(record.datum());
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

    /** A schema id as the Confluent wire format has it; {@code where} names the file or table it is of. */
    private static int wireSchemaId(String schemaId, String where) {
        try {
            return Integer.parseInt(schemaId);
        } catch (NumberFormatException e) {
            throw new ToolFailure(where + " holds values read by another prism.decoder (schema " + schemaId
                    + "), which have no registry id: they cannot be produced in the Confluent wire format");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What records of a partition are restored from, merged by offset: a small archive file, or a day of the
     * compacted table.
     */
    sealed interface Source permits ArchiveFile, TableDay {
        /** Names it in the checkpoint's digest and in messages. */
        String key();

        /** No record of it is below. */
        long firstOffset();

        /** Its version: another ETag, or other data files, is another source. */
        String eTag();

        /** When it was written: of two records at one offset, the one written first is produced first. */
        Instant written();
    }

    /** An archive file of this partition as the listing names it; {@code written} is its S3 last-modified time. */
    record ArchiveFile(String key, long firstOffset, long bytes, String eTag, Instant written) implements Source {
    }

    /**
     * The rows of one partition of one day of the compacted table, from {@code files}, the day's data files that hold
     * rows of it.
     *
     * @param firstOffset the lowest offset its data files' statistics name: no row of the partition is below it
     * @param eTag        a digest of the data files' locations: a day folded again is another source
     */
    record TableDay(Table table, LocalDate day, int partition, List<DataFile> files, long firstOffset, String key,
            String eTag) implements Source {

        /** Before the small files still in the bucket: the table holds what was folded in from files before them. */
        @Override
        public Instant written() {
            return Instant.EPOCH;
        }
    }

    /** The next record of a file or a compacted day. */
    private abstract static class Cursor {
        final Source source;

        Cursor(Source source) {
            this.source = source;
        }

        abstract boolean hasCurrent();

        abstract Archived current();

        /** The topic incarnation of the current record's file (format version 3), or null. */
        abstract String topicId();

        abstract int schemaId();

        long offset() {
            return current().offset();
        }

        abstract void advance();

        void close() {
        }
    }

    /** The records of a fetched file. */
    private static final class FileCursor extends Cursor {
        private final List<Archived> records;
        private final int schemaId;
        private final String topicId;
        private int next;

        FileCursor(ArchiveFile file, ArchivedRecords records, int schemaId) {
            super(file);
            this.records = records.records();
            this.schemaId = schemaId;
            this.topicId = records.provenance().topicId();
        }

        @Override
        boolean hasCurrent() {
            return next < records.size();
        }

        @Override
        Archived current() {
            return records.get(next);
        }

        @Override
        String topicId() {
            return topicId;
        }

        @Override
        int schemaId() {
            return schemaId;
        }

        @Override
        void advance() {
            next++;
        }
    }

    /** The rows of a compacted day, read as they are merged. */
    private final class TableCursor extends Cursor {
        private final CompactedDay rows;
        private final String where;
        private Archived current;
        private String topicId;
        private int schemaId;

        TableCursor(TableDay day, String where) {
            super(day);
            this.where = where;
            Schema projection = day.table().schema().select(CompactedDay.columns(ArchiveTable.TOPIC_ID,
                    ArchiveTable.TIMESTAMP, ArchiveTable.TIMESTAMP_TYPE, ArchiveTable.KEY, ArchiveTable.HEADERS,
                    ArchiveTable.SCHEMA_ID, ArchiveTable.VALUE));
            this.rows = CompactedDay.of(day.table(), day.files(), projection, OptionalInt.of(day.partition()));
            tally.files += day.files().size();
            advance();
        }

        @Override
        boolean hasCurrent() {
            return current != null;
        }

        @Override
        Archived current() {
            return current;
        }

        @Override
        String topicId() {
            return topicId;
        }

        @Override
        int schemaId() {
            return schemaId;
        }

        @Override
        void advance() {
            if (!rows.hasNext()) {
                current = null;
                return;
            }
            Record prism = CompactedDay.provenance(rows.next());
            Object id = prism.getField(ArchiveTable.TOPIC_ID);
            topicId = id == null ? null : id.toString();
            schemaId = wireSchemaId(prism.getField(ArchiveTable.SCHEMA_ID).toString(), where);
            Object type = prism.getField(ArchiveTable.TIMESTAMP_TYPE);
            List<?> headers = (List<?>) prism.getField(ArchiveTable.HEADERS);
            if (headers == null) {
                tally.withoutKafkaFields++;
            }
            byte[] value = bytes(prism.getField(ArchiveTable.VALUE));
            tally.fetchedBytes += value.length;
            current = new Archived((Long) prism.getField(ArchiveTable.OFFSET),
                    ((OffsetDateTime) prism.getField(ArchiveTable.TIMESTAMP)).toInstant().toEpochMilli(),
                    type == null ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.forName(type.toString()),
                    bytes(prism.getField(ArchiveTable.KEY)), headers == null ? new Header[0] : headers(headers),
                    value);
        }

        @Override
        void close() {
            rows.close();
        }

        private static Header[] headers(List<?> headers) {
            Header[] kafka = new Header[headers.size()];
            for (int i = 0; i < kafka.length; i++) {
                Record header = (Record) headers.get(i);
                kafka[i] = new RecordHeader(header.getField("key").toString(), bytes(header.getField("value")));
            }
            return kafka;
        }

        private static byte[] bytes(Object buffer) {
            if (buffer == null) {
                return null;
            }
            ByteBuffer copy = ((ByteBuffer) buffer).duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
    }
}
