package com.prism.lts.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.function.Predicate;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;

/**
 * Every row of a table's current snapshot as an audit counts it: its partition, offset and topic id, and, for the days
 * asked, the small file it was folded in from. Each data file is read once, in no particular order, and only those
 * columns of it (a few bytes a row: the offsets delta-encoded, the rest dictionary-encoded), never the values.
 */
public final class TableOffsets {

    /** What is read of each row. */
    public interface Rows {
        /**
         * @param sequence the data sequence number of the row's data file: higher for files committed later
         * @param topicId  the topic incarnation of the row's small file, or null for files before format version 3
         * @param file     the small file's key, null unless the day was asked for
         * @param fileETag its ETag, null unless the day was asked for
         */
        void row(LocalDate day, long sequence, int partition, long offset, String topicId, String file,
                String fileETag);
    }

    private TableOffsets() {
    }

    /** Reads the rows of {@code table}; for the days {@code withFiles} accepts, with the small file each names. */
    public static void read(Table table, Predicate<LocalDate> withFiles, Rows rows) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return;
        }
        Schema schema = table.schemas().get(current.schemaId());
        Schema withoutFiles = schema.select(CompactedDay.columns(ArchiveTable.TOPIC_ID));
        Schema withFile = schema.select(CompactedDay.columns(ArchiveTable.TOPIC_ID, ArchiveTable.FILE,
                ArchiveTable.FILE_ETAG));
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(current.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile file = CompactedDay.withoutDeletes(task);
                LocalDate day = LocalDate.ofEpochDay(file.partition().get(0, Integer.class));
                boolean files = withFiles.test(day);
                Schema projection = files ? withFile : withoutFiles;
                long sequence = file.dataSequenceNumber() == null ? 0 : file.dataSequenceNumber();
                try (CloseableIterable<Record> read = Parquet.read(table.io().newInputFile(file.location()))
                        .project(projection)
                        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema))
                        .build()) {
                    for (Record row : read) {
                        Record prism = CompactedDay.provenance(row);
                        Object topicId = prism.getField(ArchiveTable.TOPIC_ID);
                        rows.row(day, sequence, (Integer) prism.getField(ArchiveTable.PARTITION),
                                (Long) prism.getField(ArchiveTable.OFFSET), topicId == null ? null : topicId.toString(),
                                files ? prism.getField(ArchiveTable.FILE).toString() : null,
                                files ? prism.getField(ArchiveTable.FILE_ETAG).toString() : null);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
