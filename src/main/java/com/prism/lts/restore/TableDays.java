package com.prism.lts.restore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import com.prism.lts.restore.PartitionRestore.ArchiveFile;
import com.prism.lts.restore.PartitionRestore.TableDay;
import com.prism.lts.table.ArchiveTable;
import com.prism.lts.table.CompactedDay;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/** The compacted days a restore reads (docs/compaction.md): what of a day is in the table, and which small files it names. */
final class TableDays {

    private TableDays() {
    }

    /**
     * The rows of {@code day} in the table's current snapshot, per Kafka partition (only {@code partitions}, unless
     * empty): the data files that hold rows of it, by their statistics.
     */
    static List<TableDay> of(Table table, LocalDate day, List<Integer> partitions) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return List.of();
        }
        Map<Integer, List<DataFile>> byPartition = new TreeMap<>();
        for (DataFile file : CompactedDay.dataFiles(table, current.snapshotId(), day, OptionalInt.empty())) {
            for (int partition : partitionsOf(table, file)) {
                if (partitions.isEmpty() || partitions.contains(partition)) {
                    byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(file);
                }
            }
        }
        List<TableDay> days = new ArrayList<>();
        byPartition.forEach((partition, files) -> {
            long first = files.stream().mapToLong(file -> CompactedDay.bounds(table, file, ArchiveTable.OFFSET)
                    .map(bounds -> bounds[0]).orElse(0L)).min().orElseThrow();
            days.add(new TableDay(table, day, partition, files, first, table.name() + "/prism_day=" + day
                    + "/partition=" + partition, digest(files)));
        });
        return days;
    }

    /** The keys of the small files among {@code files} whose every row the table holds: it names them (key, ETag). */
    static Set<String> folded(Table table, LocalDate day, List<ArchiveFile> files) {
        Map<String, String> keyOf = new HashMap<>();
        files.forEach(file -> keyOf.put(file.key() + "\n" + file.eTag().replace("\"", ""), file.key()));
        Set<String> folded = new HashSet<>();
        try (CompactedDay rows = CompactedDay.read(table, day, OptionalInt.empty(), ArchiveTable.FILE,
                ArchiveTable.FILE_ETAG)) {
            rows.forEachRemaining(row -> {
                Record prism = CompactedDay.provenance(row);
                Optional.ofNullable(keyOf.get(prism.getField(ArchiveTable.FILE) + "\n"
                        + prism.getField(ArchiveTable.FILE_ETAG))).ifPresent(folded::add);
            });
        }
        return folded;
    }

    /** The partitions a data file holds rows of: all between its lowest and highest, or those read. */
    private static Set<Integer> partitionsOf(Table table, DataFile file) {
        Set<Integer> partitions = new HashSet<>();
        Optional<long[]> bounds = CompactedDay.bounds(table, file, ArchiveTable.PARTITION);
        if (bounds.isPresent()) {
            for (long p = bounds.get()[0]; p <= bounds.get()[1]; p++) {
                partitions.add((int) p);
            }
            return partitions;
        }
        try (CompactedDay rows = CompactedDay.of(table, List.of(file), table.schema().select(CompactedDay.columns()),
                OptionalInt.empty())) {
            rows.forEachRemaining(row -> partitions.add(CompactedDay.partition(row)));
        }
        return partitions;
    }

    /** Names the data files: a day folded again (late records) is another source, for the checkpoint. */
    private static String digest(List<DataFile> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.stream().map(DataFile::location).sorted().forEach(location -> sha.update((location + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
