package com.prism.lts.compact;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import com.prism.lts.compact.CompactionSteps.Step;
import com.prism.lts.compact.SmallFile.Label;
import com.prism.lts.table.ArchiveTable;
import com.prism.lts.table.CompactedDay;
import com.prism.lts.table.SchemaRefused;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.Provenance;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Compacts one closed day of a topic, exactly once (docs/compaction.md):
 * <ol>
 * <li>the small files of the day that the table already names ({@code prism.file}, {@code prism.file_etag}: folded
 * in by an earlier run that did not get to delete them) are only checked and deleted;</li>
 * <li>the others are merged per partition in offset order and written as new data files under a folder of this
 * attempt; an offset found twice (in two small files, or in a small file and the table) leaves the day as it is;</li>
 * <li>one Iceberg commit adds them, validated against every commit since the snapshot the attempt started from that
 * added data for the same day (another compactor, a replay of this one): on a conflict the attempt's files are removed
 * and the day is tried again from the start;</li>
 * <li>once the commit is durable, the day's rows are read back from the table (two columns) and every small file's
 * offsets are proven to be in it exactly once, and only then are the small files deleted.</li>
 * </ol>
 * A file that cannot be read (damaged, or in a Glacier class) or a writer schema the table cannot follow leaves the
 * whole day as it is, and says why.
 */
final class DayCompaction {

    private static final Logger LOG = LoggerFactory.getLogger(DayCompaction.class);
    private static final Set<String> ARCHIVED_TIERS = Set.of("GLACIER", "DEEP_ARCHIVE");
    private static final int ATTEMPTS = 3;
    private static final int READ_AHEAD = 8;

    /** Snapshot summary entries of a compaction commit. */
    static final String SUMMARY_RUN = "prism.compact.run";
    static final String SUMMARY_DAY = "prism.compact.day";
    static final String SUMMARY_FILES = "prism.compact.small-files";
    static final String SUMMARY_RECORDS = "prism.compact.records";
    static final String SUMMARY_FOLDED = "prism.compact.data-files-folded";

    private final Compactor.Context context;
    private final String topic;
    private final LocalDate day;
    private final Supplier<List<S3Object>> listing;

    /** A small file of the day as the listing names it. */
    record Input(Label label, ArchiveKey key, String storageClass) {
    }

    DayCompaction(Compactor.Context context, String topic, LocalDate day, Supplier<List<S3Object>> listing) {
        this.context = context;
        this.topic = topic;
        this.day = day;
        this.listing = listing;
    }

    /** The day's small files as S3 lists them now. */
    private List<Input> list() {
        List<Input> inputs = new ArrayList<>();
        for (S3Object object : context.retrying().call("list " + topic + " " + day, listing::get)) {
            ArchiveKey.parse(object.key()).filter(key -> key.topic().equals(topic) && key.day().equals(day))
                    .ifPresent(key -> inputs.add(new Input(new Label(object.key(), unquoted(object.eTag())), key,
                            object.storageClassAsString())));
        }
        return inputs;
    }

    /** Compacts the day; empty when it has no small files. */
    Optional<DayOutcome> run() {
        for (int attempt = 1;; attempt++) {
            List<Input> inputs = list();
            if (inputs.isEmpty()) {
                return attempt == 1 ? Optional.empty()
                        : Optional.of(new DayOutcome(topic, day, DayOutcome.Kind.COMPACTED, 0, 0, 0, 0, 0, ""));
            }
            try {
                return Optional.of(run(inputs));
            } catch (Conflict e) {
                if (attempt == ATTEMPTS) {
                    return Optional.of(DayOutcome.left(topic, day, "another compactor changed the day " + ATTEMPTS
                            + " times while this run compacted it (" + e.getMessage() + "); the next run tries"
                            + " again"));
                }
                LOG.info("Another compactor changed {} {} meanwhile ({}); compacting it again as it is now", topic,
                        day, e.getMessage());
            }
        }
    }

    private DayOutcome run(List<Input> inputs) {
        List<String> archived = inputs.stream().filter(in -> ARCHIVED_TIERS.contains(in.storageClass()))
                .map(in -> in.label().key() + " (" + in.storageClass() + ")").toList();
        if (!archived.isEmpty()) {
            return DayOutcome.left(topic, day, archived.size() + " of its small files are in an archived storage"
                    + " class and cannot be read until restored, such as " + archived.get(0));
        }
        Optional<Input> open = inputs.stream().filter(in -> in.key().startOffset() >= committed(in.key()
                .partition())).findFirst();
        if (open.isPresent()) {
            return DayOutcome.notClosed(topic, day, "the archiver's committed offset of partition "
                    + open.get().key().partition() + " has not passed " + open.get().label().key());
        }
        try {
            return context.retrying().call("compact " + topic + " " + day, () -> attempt(inputs));
        } catch (Left e) {
            return DayOutcome.left(topic, day, e.getMessage());
        } catch (NotClosed e) {
            return DayOutcome.notClosed(topic, day, e.getMessage());
        } catch (SmallFile.Unreadable | SchemaRefused e) {
            return DayOutcome.left(topic, day, e.getMessage());
        } catch (NoSuchKeyException e) {
            throw new Conflict("a small file listed was deleted meanwhile");
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new Conflict("a small file listed was replaced meanwhile");
            }
            return DayOutcome.left(topic, day, "S3 refused: " + e.awsErrorDetails().errorMessage());
        }
    }

    private long committed(int partition) {
        return context.committed(topic).getOrDefault(partition, -1L);
    }

    private DayOutcome attempt(List<Input> inputs) {
        long started = context.clock().millis();
        String runId = Long.toString(started, 36) + "-" + UUID.randomUUID().toString().substring(0, 8);
        Optional<ArchiveTable> loaded = ArchiveTable.load(context.catalog(), context.tableId(topic));
        Long base = loaded.map(t -> t.table().currentSnapshot()).map(Snapshot::snapshotId).orElse(null);
        Set<Label> folded = loaded.isPresent() && base != null ? labelsInTable(loaded.get().table(), base)
                : Set.of();
        List<Input> fresh = inputs.stream().filter(in -> !folded.contains(in.label())).toList();
        List<Input> old = inputs.stream().filter(in -> folded.contains(in.label())).toList();
        Map<Label, OffsetDigest> expected = new LinkedHashMap<>();
        ArchiveTable table = loaded.orElse(null);
        List<DataFile> dayFiles = table == null || base == null ? List.of()
                : CompactedDay.dataFiles(table.table(), base, day, OptionalInt.empty());
        Written written = null;
        if (!fresh.isEmpty()) {
            written = write(table, fresh, dayFiles, toFold(dayFiles), runId, expected);
            table = written.table;
            context.steps().reached(Step.DATA_FILES_WRITTEN, topic, day);
            if (context.clock().millis() - started > context.settings().orphanAgeMs() / 2) {
                throw new Left("writing took longer than half of prism.compact.orphan-age-ms ("
                        + context.settings().orphanAgeMs() + " ms), after which another run's clean-up may remove"
                        + " unreferenced data files; they are left to it, and the next run tries again");
            }
            context.steps().reached(Step.COMMITTING, topic, day);
            commit(table.table(), base, written, runId, fresh.size());
            context.steps().reached(Step.COMMITTED, topic, day);
            LOG.info("Committed {} records of {} small files of {} {} to {} in {} data files{}", written.records,
                    fresh.size(), topic, day, table.table().name(), written.files.size(), written.replaced.isEmpty()
                            ? "" : ", folding in " + written.replaced.size() + " data files of the day");
        }
        for (Input in : old) {
            expected.put(in.label(), digestOf(in));
        }
        verify(table.table(), expected);
        context.steps().reached(Step.DELETING, topic, day);
        int deleted = delete(inputs);
        return new DayOutcome(topic, day, DayOutcome.Kind.COMPACTED, fresh.size(),
                written == null ? 0 : written.records, written == null ? 0 : written.files.size(),
                written == null ? 0 : written.replaced.size(), deleted, "");
    }

    /**
     * The data files of the day that this run folds into its new ones, so that late records do not add a small data
     * file to their day each run: its files smaller than 3/4 of the target size (Iceberg's {@code min-file-size}
     * default), all of them, once one more would make them more than {@code prism.compact.max-small-data-files}.
     * Files of the target size are never rewritten.
     */
    private List<DataFile> toFold(List<DataFile> dayFiles) {
        long small = context.settings().targetFileSizeBytes() * 3 / 4;
        List<DataFile> smallFiles = dayFiles.stream().filter(file -> file.fileSizeInBytes() < small).toList();
        return smallFiles.size() + 1 > context.settings().maxSmallDataFiles() ? smallFiles : List.of();
    }

    /** The small files of the day that the table names among the rows of the day. */
    private Set<Label> labelsInTable(Table table, long snapshot) {
        Set<Label> labels = new HashSet<>();
        try (CompactedDay rows = CompactedDay.read(table, snapshot, day, OptionalInt.empty(), ArchiveTable.FILE,
                ArchiveTable.FILE_ETAG)) {
            rows.forEachRemaining(row -> labels.add(label(row)));
        }
        return labels;
    }

    private static Label label(Record row) {
        Record provenance = CompactedDay.provenance(row);
        return new Label(provenance.getField(ArchiveTable.FILE).toString(),
                provenance.getField(ArchiveTable.FILE_ETAG).toString());
    }

    /**
     * What an attempt wrote: the data files, the table (which it created if there was none), and the day's data files
     * they replace (folded in).
     */
    private record Written(ArchiveTable table, List<DataFile> files, long records, List<DataFile> replaced) {
    }

    /**
     * Writes the records of {@code fresh}, and the rows of {@code fold} (data files of the day), merged in
     * (partition, offset) order, into new data files. An offset found twice (in two small files, in a small file and
     * the table, or in two rows of the table) leaves the day as it is.
     */
    private Written write(ArchiveTable existing, List<Input> fresh, List<DataFile> dayFiles, List<DataFile> fold,
            String runId, Map<Label, OffsetDigest> expected) {
        Deque<Input> pending = new ArrayDeque<>(fresh.stream().sorted(Comparator
                .comparingInt((Input in) -> in.key().partition()).thenComparingLong(in -> in.key().startOffset()))
                .toList());
        ArchiveTable table = existing;
        if (!fold.isEmpty()) {
            // the rows folded in are read in the table's schema, which must by then hold every new writer schema
            for (Input in : fresh) {
                SmallFile.WriterSchema schema = SmallFile.schemaOf(in.label(), bytesOf(in));
                table.accept(schema.schema(), schema.id());
            }
        }
        List<DataFile> kept = dayFiles.stream().filter(file -> !fold.contains(file)).toList();
        DayWriter writer = null;
        long records = 0;
        OffsetDigest foldedRows = new OffsetDigest();
        try (ReadAhead reads = new ReadAhead();
                CompactedDay inTable = kept.isEmpty() ? null : CompactedDay.of(table.table(), kept,
                        table.table().schema().select(CompactedDay.columns()), OptionalInt.empty());
                CompactedDay folding = fold.isEmpty() ? null : CompactedDay.rows(table.table(), fold)) {
            PriorityQueue<Merged> open = new PriorityQueue<>(Merged.ORDER);
            if (folding != null && folding.hasNext()) {
                open.add(new TableRows(folding));
            }
            Record keptRow = inTable != null && inTable.hasNext() ? inTable.next() : null;
            String previous = null;
            int previousPartition = -1;
            long previousOffset = -1;
            while (!pending.isEmpty() || !open.isEmpty()) {
                while (!pending.isEmpty() && (open.isEmpty() || compare(pending.peekFirst().key().partition(),
                        pending.peekFirst().key().startOffset(), open.peek()) <= 0)) {
                    SmallFile file = reads.next(pending);
                    table = table == null ? ArchiveTable.open(context.catalog(), context.tableId(topic),
                            file.schema(), file.schemaId(), context.tableLocationRoot()) : table;
                    table.accept(file.schema(), file.schemaId());
                    OffsetDigest digest = new OffsetDigest();
                    for (long offset : file.offsets()) {
                        digest.add(file.partition(), offset);
                    }
                    expected.put(file.label(), digest);
                    open.add(new FileRecords(file));
                }
                Merged next = open.poll();
                int partition = next.partition();
                long offset = next.offset();
                if (previous != null && partition == previousPartition && offset == previousOffset) {
                    throw new Left("offset " + offset + " of partition " + partition + " is in both "
                            + previous + " and " + next.where() + " (prism-lts audit reports it); the day is"
                            + " left as it is");
                }
                while (keptRow != null && compare(CompactedDay.partition(keptRow), CompactedDay.offset(keptRow),
                        next) < 0) {
                    keptRow = inTable.hasNext() ? inTable.next() : null;
                }
                if (keptRow != null && compare(CompactedDay.partition(keptRow), CompactedDay.offset(keptRow),
                        next) == 0) {
                    throw new Left("offset " + offset + " of partition " + partition + " is in " + next.where()
                            + " and already in the table; the day is left as it is");
                }
                if (writer == null) {
                    writer = new DayWriter(table.table(), day, runId, context.settings().targetFileSizeBytes(),
                            context.settings().rowGroupSizeBytes());
                }
                writer.write(next.row(table));
                if (next instanceof TableRows) {
                    foldedRows.add(partition, offset);
                } else {
                    records++;
                }
                previous = next.where();
                previousPartition = partition;
                previousOffset = offset;
                if (next.advance()) {
                    open.add(next);
                }
            }
            List<DataFile> files = writer.dataFiles();
            if (!fold.isEmpty()) {
                proveFolded(table.table(), files, fold, foldedRows, expected);
            }
            return new Written(table, files, records, fold);
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
    }

    /** Compares a (partition, offset) with the next row of a merged source. */
    private static int compare(int partition, long offset, Merged merged) {
        int byPartition = Integer.compare(partition, merged.partition());
        return byPartition != 0 ? byPartition : Long.compare(offset, merged.offset());
    }

    /**
     * Proves, before the commit that replaces them, that the new data files hold every row of the data files folded
     * in and every record of the small files, each once: the rows read of the folded files are as many as their
     * statistics count, and the new files' (partition, offset) pairs, read back, are those two sets.
     */
    private void proveFolded(Table table, List<DataFile> files, List<DataFile> fold, OffsetDigest foldedRows,
            Map<Label, OffsetDigest> expected) {
        long inFolded = fold.stream().mapToLong(DataFile::recordCount).sum();
        if (foldedRows.count() != inFolded) {
            throw new Left("read " + foldedRows.count() + " rows of the day's data files to fold, which hold "
                    + inFolded + "; nothing is committed");
        }
        OffsetDigest wanted = new OffsetDigest();
        wanted.add(foldedRows);
        expected.values().forEach(wanted::add);
        OffsetDigest written = new OffsetDigest();
        context.retrying().run("read back the folded data files of " + topic + " " + day, () -> {
            try (CompactedDay rows = CompactedDay.of(table, files, table.schema().select(CompactedDay.columns()),
                    OptionalInt.empty())) {
                rows.forEachRemaining(row -> written.add(CompactedDay.partition(row), CompactedDay.offset(row)));
            }
        });
        if (!written.equals(wanted)) {
            throw new Left("the data files written to fold the day hold " + written.count() + " rows, not the "
                    + wanted.count() + " of the files they replace; nothing is committed");
        }
    }

    /** A source of the merge: the records of a small file, or the rows of data files folded in. */
    private interface Merged {
        Comparator<Merged> ORDER = Comparator.comparingInt(Merged::partition).thenComparingLong(Merged::offset);

        int partition();

        long offset();

        /** The current record as a row of the table's current schema. */
        Record row(ArchiveTable table);

        /** Where the current record is, for a message. */
        String where();

        /** Moves to the next record; false at the end. */
        boolean advance();
    }

    /**
     * Reads the next small files of a partition while the current ones are merged: S3's latency, not the decoding,
     * would otherwise set the pace. At most {@link #READ_AHEAD} files are read ahead.
     */
    private final class ReadAhead implements AutoCloseable {
        private final ExecutorService pool = Executors.newFixedThreadPool(READ_AHEAD);
        private final Map<Input, Future<SmallFile>> reading = new HashMap<>();

        /** The first pending file, read; the files after it start being read. */
        SmallFile next(Deque<Input> pending) {
            Input first = pending.pollFirst();
            Future<SmallFile> read = reading.remove(first);
            int ahead = 0;
            for (Input in : pending) {
                if (ahead++ == READ_AHEAD) {
                    break;
                }
                reading.computeIfAbsent(in, i -> pool.submit(() -> fetch(i)));
            }
            try {
                return read == null ? fetch(first) : read.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading " + first.label().key(), e);
            }
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    private SmallFile fetch(Input in) {
        SmallFile file = SmallFile.read(in.label(), in.key(), bytesOf(in));
        if (file.lastOffset() >= committed(in.key().partition())) {
            throw new NotClosed("the archiver's committed offset of partition " + in.key().partition()
                    + " has not passed the last offset of " + in.label().key());
        }
        return file;
    }

    /** The digest of a folded file's offsets, from its header. */
    private OffsetDigest digestOf(Input in) {
        byte[] bytes = bytesOf(in);
        try (DataFileStream<Object> file = new DataFileStream<>(new ByteArrayInputStream(bytes),
                new GenericDatumReader<>())) {
            Provenance provenance = Provenance.of(file);
            OffsetDigest digest = new OffsetDigest();
            for (long offset : provenance.offsets()) {
                digest.add(provenance.partition(), offset);
            }
            return digest;
        } catch (IOException | RuntimeException e) {
            throw new SmallFile.Unreadable(in.label().key() + " cannot be read as an archive file: " + e.getMessage());
        }
    }

    /** A small file's bytes, the version that was listed. */
    private byte[] bytesOf(Input in) {
        return context.retrying().call("read " + in.label().key(), () -> {
            try (InputStream stream = context.s3().getObject(b -> b.bucket(context.bucket()).key(in.label().key())
                    .ifMatch(in.label().eTag()))) {
                return stream.readAllBytes();
            }
        });
    }

    /**
     * Commits the attempt's data files, replacing the data files it folded in, in one snapshot validated against
     * every commit since {@code base} that added or removed data of the day.
     */
    private void commit(Table table, Long base, Written written, String runId, int smallFiles) {
        OverwriteFiles commit = table.newOverwrite()
                .conflictDetectionFilter(ArchiveTable.dayIs(day))
                .validateNoConflictingData()
                .validateNoConflictingDeletes();
        if (base != null) {
            commit.validateFromSnapshot(base);
        }
        written.files.forEach(commit::addFile);
        written.replaced.forEach(commit::deleteFile);
        commit.set(SUMMARY_RUN, runId)
                .set(SUMMARY_DAY, day.toString())
                .set(SUMMARY_FILES, Integer.toString(smallFiles))
                .set(SUMMARY_RECORDS, Long.toString(written.records))
                .set(SUMMARY_FOLDED, Integer.toString(written.replaced.size()));
        try {
            commit.commit();
        } catch (ValidationException | CommitFailedException e) {
            written.files.forEach(file -> deleteQuietly(table, file.location()));
            throw new Conflict(e.getMessage());
        } catch (CommitStateUnknownException e) {
            LOG.warn("The catalog did not say whether the commit of {} {} succeeded ({}); looking for it", topic, day,
                    e.getMessage());
            boolean found = context.retrying().call("look for the commit of " + topic + " " + day, () -> {
                table.refresh();
                return committedSnapshot(table, runId).isPresent();
            });
            if (!found) {
                throw new UncheckedIOException(new IOException("the commit of " + topic + " " + day
                        + " did not happen; its data files are left to the orphan clean-up"));
            }
        }
    }

    /** The snapshot of this attempt's commit, among the table's snapshots. */
    static Optional<Snapshot> committedSnapshot(Table table, String runId) {
        for (Snapshot snapshot : table.snapshots()) {
            if (runId.equals(snapshot.summary().get(SUMMARY_RUN))) {
                return Optional.of(snapshot);
            }
        }
        return Optional.empty();
    }

    private static void deleteQuietly(Table table, String location) {
        try {
            table.io().deleteFile(location);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove {} ({}); the orphan clean-up will", location, e.getMessage());
        }
    }

    /**
     * Proves, from the table's rows of the day as committed, that every offset of each small file is in the table
     * exactly once: no (partition, offset) of the day is there twice, and the rows naming a file hold its offsets.
     */
    private void verify(Table table, Map<Label, OffsetDigest> expected) {
        context.retrying().run("check " + topic + " " + day + " in the table", () -> {
            table.refresh();
            Map<Label, OffsetDigest> found = new HashMap<>();
            try (CompactedDay rows = CompactedDay.read(table, day, OptionalInt.empty(), ArchiveTable.FILE,
                    ArchiveTable.FILE_ETAG)) {
                int previousPartition = -1;
                long previousOffset = -1;
                while (rows.hasNext()) {
                    Record row = rows.next();
                    int partition = CompactedDay.partition(row);
                    long offset = CompactedDay.offset(row);
                    if (partition == previousPartition && offset == previousOffset) {
                        throw new Left("offset " + offset + " of partition " + partition + " is in the table twice;"
                                + " the day's small files are kept (docs/compaction.md says how to repair it)");
                    }
                    previousPartition = partition;
                    previousOffset = offset;
                    Label label = label(row);
                    if (expected.containsKey(label)) {
                        found.computeIfAbsent(label, l -> new OffsetDigest()).add(partition, offset);
                    }
                }
            }
            expected.forEach((label, digest) -> {
                OffsetDigest inTable = found.get(label);
                if (!digest.equals(inTable)) {
                    throw new Left("the table holds " + (inTable == null ? 0 : inTable.count()) + " rows from "
                            + label.key() + ", which holds " + digest.count() + " records: the day's small files"
                            + " are kept");
                }
            });
        });
    }

    /** Deletes the day's small files, each only if it is still the version the table names. */
    private int delete(List<Input> inputs) {
        int done = 0;
        for (Input in : inputs) {
            boolean deleted = context.retrying().call("delete " + in.label().key(), () -> {
                try {
                    String eTag = unquoted(context.s3().headObject(b -> b.bucket(context.bucket())
                            .key(in.label().key())).eTag());
                    if (!eTag.equals(in.label().eTag())) {
                        LOG.warn("{} changed since it was listed (ETag {}, not {}); it is kept for the next run",
                                in.label().key(), eTag, in.label().eTag());
                        return false;
                    }
                } catch (NoSuchKeyException gone) {
                    return false;
                }
                context.s3().deleteObject(b -> b.bucket(context.bucket()).key(in.label().key()));
                return true;
            });
            if (deleted) {
                done++;
            }
            context.steps().deleted(in.label().key(), done, inputs.size());
        }
        return done;
    }

    private static String unquoted(String eTag) {
        return eTag == null ? "" : eTag.replace("\"", "");
    }

    /** The records of a small file being merged. */
    private static final class FileRecords implements Merged {
        private final SmallFile file;
        private int index;

        FileRecords(SmallFile file) {
            this.file = file;
        }

        @Override
        public int partition() {
            return file.partition();
        }

        @Override
        public long offset() {
            return file.offset(index);
        }

        @Override
        public Record row(ArchiveTable table) {
            return table.row(file.event(index), file.rowProvenance(index, file.key().day()));
        }

        @Override
        public String where() {
            return file.label().key();
        }

        @Override
        public boolean advance() {
            return ++index < file.size();
        }
    }

    /** The rows of the day's data files being folded in, as they are: provenance and small file kept. */
    private static final class TableRows implements Merged {
        private final CompactedDay rows;
        private Record row;

        TableRows(CompactedDay rows) {
            this.rows = rows;
            this.row = rows.next();
        }

        @Override
        public int partition() {
            return CompactedDay.partition(row);
        }

        @Override
        public long offset() {
            return CompactedDay.offset(row);
        }

        @Override
        public Record row(ArchiveTable table) {
            return row;
        }

        @Override
        public String where() {
            return "the table (from " + label(row).key() + ")";
        }

        @Override
        public boolean advance() {
            row = rows.hasNext() ? rows.next() : null;
            return row != null;
        }
    }

    /** Another writer committed rows of the day since the attempt began. */
    private static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message);
        }
    }

    /** The day is left as it is, for the reason in the message. */
    private static final class Left extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Left(String message) {
            super(message);
        }
    }

    /** The committed offsets have not passed a file of the day. */
    private static final class NotClosed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotClosed(String message) {
            super(message);
        }
    }
}
