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
import java.util.OptionalInt;
import java.util.PriorityQueue;

import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.parquet.Parquet;

/**
 * The rows of one day of the table in (partition, offset) order, reading only the columns asked for: what an audit
 * needs ({@code prism.partition} and {@code prism.offset}: two small columns of each data file, row groups of other
 * partitions skipped by their statistics) and what a restore needs ({@code prism.value}, {@code prism.key},
 * {@code prism.headers}, {@code prism.timestamp}, {@code prism.schema_id}, in offset order).
 * <p>
 * Each data file of the table is sorted by (partition, offset), and a day may have several (one per compaction run
 * that found records for it); their rows are merged, holding one reader per data file of the day. A data file that
 * is not in that order is reported, not merged wrongly.
 */
public final class CompactedDay implements CloseableIterator<Record> {

    private final List<CloseableIterable<Record>> files = new ArrayList<>();
    private final PriorityQueue<Cursor> cursors = new PriorityQueue<>(Comparator
            .comparingInt((Cursor c) -> partition(c.row)).thenComparingLong(c -> offset(c.row)));
    private final OptionalInt partition;

    private CompactedDay(OptionalInt partition) {
        this.partition = partition;
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
        CompactedDay rows = new CompactedDay(partition);
        if (snapshotId == null) {
            return rows;
        }
        List<String> columns = new ArrayList<>(List.of(ArchiveTable.column(ArchiveTable.PARTITION),
                ArchiveTable.column(ArchiveTable.OFFSET)));
        for (String field : provenance) {
            columns.add(ArchiveTable.column(field));
        }
        Schema projection = table.schemas().get(table.snapshot(snapshotId).schemaId()).select(columns);
        // the day picks the data files, the partition the row groups inside them (by their column statistics)
        Expression inFile = partition.isPresent()
                ? Expressions.equal(ArchiveTable.column(ArchiveTable.PARTITION), partition.getAsInt())
                : Expressions.alwaysTrue();
        TableScan scan = table.newScan().useSnapshot(snapshotId).filter(Expressions.and(ArchiveTable.dayIs(day),
                inFile));
        try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
            for (FileScanTask task : tasks) {
                if (!task.deletes().isEmpty()) {
                    rows.close();
                    throw new IllegalStateException(task.file().location() + " has delete files, which Prism LTS"
                            + " never writes: rewrite the day without them first");
                }
                CloseableIterable<Record> file = Parquet.read(table.io().newInputFile(task.file().location()))
                        .project(projection)
                        .filter(inFile)
                        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema))
                        .build();
                rows.files.add(file);
                rows.advance(new Cursor(task.file().location(), file.iterator()));
            }
        } catch (IOException e) {
            rows.close();
            throw new UncheckedIOException(e);
        }
        return rows;
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
        return !cursors.isEmpty();
    }

    @Override
    public Record next() {
        Cursor cursor = cursors.poll();
        if (cursor == null) {
            throw new NoSuchElementException();
        }
        Record row = cursor.row;
        advance(cursor);
        return row;
    }

    /** Moves a file's cursor to its next row of the asked partition, in order, and queues it; drops it at its end. */
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
    }

    @Override
    public void close() {
        for (CloseableIterable<Record> file : files) {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        files.clear();
        cursors.clear();
    }

    private static final class Cursor {
        final String location;
        final Iterator<Record> rows;
        Record row;

        Cursor(String location, Iterator<Record> rows) {
            this.location = location;
            this.rows = rows;
        }
    }
}
