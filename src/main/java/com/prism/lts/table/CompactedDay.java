package com.prism.lts.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * The rows of one day of the table in (partition, offset) order, reading only the columns asked for: what an audit
 * needs ({@code prism.partition} and {@code prism.offset}: two small columns of each data file, row groups of other
 * partitions skipped by their statistics) and what a restore needs ({@code prism.value}, {@code prism.key},
 * {@code prism.headers}, {@code prism.timestamp}, {@code prism.schema_id}, in offset order).
 * <p>
 * Each data file of the table is sorted by (partition, offset), and a day may have several (one sorted run per
 * compaction that found records for it, until a run folds them into one); their rows are merged. A data file is opened
 * only when the merge reaches the lowest (partition, offset) its statistics name, and closed at its end, so that the
 * files of one sorted run are read one after the other: memory holds a row group of each file whose rows overlap.
 * A data file that is not in that order is reported, not merged wrongly.
 */
public final class CompactedDay implements CloseableIterator<Record> {

    private static final Comparator<Cursor> BY_ROW = Comparator.comparingInt((Cursor c) -> partition(c.row))
            .thenComparingLong(c -> offset(c.row));

    private final Table table;
    private final Schema projection;
    private final Expression inFile;
    private final OptionalInt partition;
    /** Data files not opened yet, by the lowest (partition, offset) their statistics name. */
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(Comparator
            .comparingInt(Pending::partition).thenComparingLong(Pending::offset));
    private final PriorityQueue<Cursor> cursors = new PriorityQueue<>(BY_ROW);
    private final List<Cursor> open = new ArrayList<>();

    private CompactedDay(Table table, Schema projection, OptionalInt partition) {
        this.table = table;
        this.projection = projection;
        this.partition = partition;
        this.inFile = partition.isPresent()
                ? Expressions.equal(ArchiveTable.column(ArchiveTable.PARTITION), partition.getAsInt())
                : Expressions.alwaysTrue();
    }

    /**
     * The rows of {@code day} in the table's current snapshot.
     *
     * @param provenance the {@code prism} fields to read ({@link ArchiveTable#PARTITION} and
     *                   {@link ArchiveTable#OFFSET} are always read); other columns are not read
     * @param partition  only this Kafka partition's rows; empty: all
     */
    public static CompactedDay read(Table table, LocalDate day, OptionalInt partition, String... provenance) {
        return read(table, table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId(), day,
                partition, provenance);
    }

    /** As {@link #read(Table, LocalDate, OptionalInt, String...)}, in snapshot {@code snapshotId} (null: none). */
    public static CompactedDay read(Table table, Long snapshotId, LocalDate day, OptionalInt partition,
            String... provenance) {
        if (snapshotId == null) {
            return new CompactedDay(table, table.schema().select(ArchiveTable.column(ArchiveTable.PARTITION),
                    ArchiveTable.column(ArchiveTable.OFFSET)), partition);
        }
        Schema projection = table.schemas().get(table.snapshot(snapshotId).schemaId()).select(columns(provenance));
        return of(table, dataFiles(table, snapshotId, day, partition), projection, partition);
    }

    /**
     * Whole rows of {@code files} (data files of one day), in the table's current schema: what a run that folds a
     * day's data files into one sorted run rewrites.
     */
    public static CompactedDay rows(Table table, List<DataFile> files) {
        return of(table, files, table.schema(), OptionalInt.empty());
    }

    /** The rows of {@code files} with only {@code projection}'s columns, of {@code partition} if one is given. */
    public static CompactedDay of(Table table, List<DataFile> files, Schema projection, OptionalInt partition) {
        CompactedDay rows = new CompactedDay(table, projection, partition);
        for (DataFile file : files) {
            long lowestPartition = bounds(table, file, ArchiveTable.PARTITION).map(b -> b[0])
                    .orElse((long) Integer.MIN_VALUE);
            rows.pending.add(new Pending(file.location(), (int) lowestPartition,
                    bounds(table, file, ArchiveTable.OFFSET).map(b -> b[0]).orElse(Long.MIN_VALUE)));
        }
        return rows;
    }

    /** The data files of {@code day} (of {@code partition}, by their statistics, if one is given) in a snapshot. */
    public static List<DataFile> dataFiles(Table table, long snapshotId, LocalDate day, OptionalInt partition) {
        Expression filter = ArchiveTable.dayIs(day);
        if (partition.isPresent()) {
            filter = Expressions.and(filter, Expressions.equal(ArchiveTable.column(ArchiveTable.PARTITION),
                    partition.getAsInt()));
        }
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshotId).filter(filter)
                .planFiles()) {
            for (FileScanTask task : tasks) {
                files.add(withoutDeletes(task));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The data file of a task; one with delete files (which another engine wrote) cannot be read here. */
    static DataFile withoutDeletes(FileScanTask task) {
        if (!task.deletes().isEmpty()) {
            throw new IllegalStateException(task.file().location() + " has delete files, which Prism LTS never"
                    + " writes: rewrite the day without them first");
        }
        return task.file();
    }

    /** The {@code prism} columns to read: partition and offset, and those asked for. */
    public static List<String> columns(String... provenance) {
        List<String> columns = new ArrayList<>(List.of(ArchiveTable.column(ArchiveTable.PARTITION),
                ArchiveTable.column(ArchiveTable.OFFSET)));
        for (String field : provenance) {
            columns.add(ArchiveTable.column(field));
        }
        return columns;
    }

    /**
     * The lowest and the highest value of a {@code prism} column of numbers ({@link ArchiveTable#PARTITION},
     * {@link ArchiveTable#OFFSET}) in a data file, by its statistics; empty when it has none. The table's sort
     * columns always have them (Iceberg keeps statistics of sorted columns whatever the table's metrics settings).
     */
    public static Optional<long[]> bounds(Table table, DataFile file, String provenanceField) {
        Types.NestedField field = table.schema().findField(ArchiveTable.column(provenanceField));
        ByteBuffer lower = file.lowerBounds() == null ? null : file.lowerBounds().get(field.fieldId());
        ByteBuffer upper = file.upperBounds() == null ? null : file.upperBounds().get(field.fieldId());
        if (lower == null || upper == null) {
            return Optional.empty();
        }
        return Optional.of(new long[] {((Number) Conversions.fromByteBuffer(field.type(), lower)).longValue(),
            ((Number) Conversions.fromByteBuffer(field.type(), upper)).longValue()});
    }

    /** The Kafka partition of a row read here. */
    public static int partition(Record row) {
        return (Integer) provenance(row).getField(ArchiveTable.PARTITION);
    }

    /** The Kafka offset of a row read here. */
    public static long offset(Record row) {
        return (Long) provenance(row).getField(ArchiveTable.OFFSET);
    }

    /**
     * A row's value in the Confluent wire format, as the producer sent it: the byte 0, the writer schema's registry id
     * (4 bytes, big-endian), the Avro bytes. Needs {@link ArchiveTable#VALUE} and {@link ArchiveTable#SCHEMA_ID} read.
     *
     * @throws IllegalArgumentException for a value read by another {@code prism.decoder}, which had no registry id
     */
    public static byte[] wireFormat(Record row) {
        Record prism = provenance(row);
        String schemaId = prism.getField(ArchiveTable.SCHEMA_ID).toString();
        if (!schemaId.matches("\\d{1,10}")) {
            throw new IllegalArgumentException("schema " + schemaId + " has no registry id: its values have no wire"
                    + " format");
        }
        ByteBuffer value = ((ByteBuffer) prism.getField(ArchiveTable.VALUE)).duplicate();
        return ByteBuffer.allocate(5 + value.remaining()).put((byte) 0).putInt(Integer.parseInt(schemaId))
                .put(value).array();
    }

    /** The {@code prism} struct of a row. */
    public static Record provenance(Record row) {
        return (Record) row.getField(ArchiveTable.PROVENANCE);
    }

    @Override
    public boolean hasNext() {
        openReached();
        return !cursors.isEmpty();
    }

    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Cursor cursor = cursors.poll();
        Record row = cursor.row;
        advance(cursor);
        return row;
    }

    /**
     * Opens the data files whose rows may come before the next row of the files open: none of a file's rows is below
     * the lowest (partition, offset) its statistics name.
     */
    private void openReached() {
        while (!pending.isEmpty() && (cursors.isEmpty() || pending.peek().compareTo(cursors.peek().row) <= 0)) {
            String location = pending.poll().location;
            CloseableIterable<Record> file = Parquet.read(table.io().newInputFile(location))
                    .project(projection)
                    .filter(inFile)
                    .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema))
                    .build();
            Cursor cursor = new Cursor(location, file);
            open.add(cursor);
            advance(cursor);
        }
    }

    /** Moves a file's cursor to its next row of the asked partition, in order, and queues it; closes it at its end. */
    private void advance(Cursor cursor) {
        while (cursor.rows.hasNext()) {
            Record row = cursor.rows.next();
            if (partition.isPresent() && partition(row) != partition.getAsInt()) {
                continue;
            }
            if (cursor.row != null && Long.compare(partition(row), partition(cursor.row)) * 2
                    + Long.signum(Long.compare(offset(row), offset(cursor.row))) <= 0) {
                throw new IllegalStateException(cursor.location + " is not sorted by partition and offset: partition "
                        + partition(row) + " offset " + offset(row) + " follows partition " + partition(cursor.row)
                        + " offset " + offset(cursor.row));
            }
            cursor.row = row;
            cursors.add(cursor);
            return;
        }
        open.remove(cursor);
        cursor.close();
    }

    @Override
    public void close() {
        List<Cursor> closing = new ArrayList<>(open);
        open.clear();
        cursors.clear();
        pending.clear();
        closing.forEach(Cursor::close);
    }

    /** A data file not opened yet, with the lowest (partition, offset) its statistics name. */
    private record Pending(String location, int partition, long offset) {
        int compareTo(Record row) {
            int byPartition = Integer.compare(partition, CompactedDay.partition(row));
            return byPartition != 0 ? byPartition : Long.compare(offset, CompactedDay.offset(row));
        }
    }

    private static final class Cursor {
        final String location;
        final CloseableIterable<Record> file;
        final Iterator<Record> rows;
        Record row;

        Cursor(String location, CloseableIterable<Record> file) {
            this.location = location;
            this.file = file;
            this.rows = file.iterator();
        }

        void close() {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
