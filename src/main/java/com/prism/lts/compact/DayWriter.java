package com.prism.lts.compact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;

/**
 * Writes the rows of one day into Parquet data files of the table, in the order they come, starting a new file when
 * one reaches the target size ({@code prism.compact.target-file-size-mb}) or the table's schema changed. The files go
 * under a folder of the run, {@code data/prism_day=<day>/run-<id>/}, so that what a killed run left is found and
 * removed once no snapshot references it. Memory: the Parquet writer buffers one row group
 * ({@code prism.compact.row-group-size-mb}).
 */
final class DayWriter implements AutoCloseable {

    private final Table table;
    private final LocalDate day;
    private final String runId;
    private final long targetFileSize;
    private final long rowGroupSize;
    private final List<DataFile> written = new ArrayList<>();
    private DataWriter<Record> current;
    private Schema currentSchema;

    DayWriter(Table table, LocalDate day, String runId, long targetFileSize, long rowGroupSize) {
        this.table = table;
        this.day = day;
        this.runId = runId;
        this.targetFileSize = targetFileSize;
        this.rowGroupSize = rowGroupSize;
    }

    /** Writes a row of the table's current schema (rows of another schema start a new file). */
    void write(Record row) {
        if (current != null && (current.length() >= targetFileSize || row.struct() != currentSchema.asStruct()
                && !row.struct().equals(currentSchema.asStruct()))) {
            finish();
        }
        if (current == null) {
            current = open();
        }
        current.write(row);
    }

    private DataWriter<Record> open() {
        currentSchema = table.schema();
        PartitionKey partition = new PartitionKey(table.spec(), currentSchema);
        partition.set(0, (int) day.toEpochDay());
        String location = table.locationProvider().newDataLocation(table.spec(), partition,
                String.format("run-%s/%05d.parquet", runId, written.size()));
        try {
            return Parquet.writeData(table.io().newOutputFile(location))
                    .forTable(table)
                    .withSpec(table.spec())
                    .withPartition(partition)
                    .withSortOrder(table.sortOrder())
                    .set(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, Long.toString(rowGroupSize))
                    .createWriterFunc(GenericParquetWriter::create)
                    .overwrite()
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void finish() {
        try {
            current.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written.add(current.toDataFile());
        current = null;
    }

    /** The data files written, once all are complete. */
    List<DataFile> dataFiles() {
        if (current != null) {
            finish();
        }
        return written;
    }

    /** Abandons a file being written; what was written stays for the orphan clean-up. */
    @Override
    public void close() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException | RuntimeException e) {
                // the file is abandoned either way
            }
            current = null;
        }
    }
}
