package com.prism.lts.compact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps a compacted table small, after each run: snapshots older than {@code prism.compact.snapshot-retention-ms}
 * expire (the newest is always kept), and data files that a killed or refused attempt left under its
 * {@code run-<id>/} folder, and metadata files of a commit killed half-way, are removed once nothing the table's
 * metadata reaches references them and they are older than {@code prism.compact.orphan-age-ms} (so that an attempt
 * still running is never robbed of its files: an attempt that took longer than half of that age does not commit).
 */
final class TableMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

    private TableMaintenance() {
    }

    static void expireSnapshots(Table table, long now, long retentionMs) {
        table.expireSnapshots().expireOlderThan(now - retentionMs).retainLast(1).commit();
    }

    /**
     * Removes what attempts that never committed left under the table's folder, once older than {@code orphanAgeMs}:
     * data files in their {@code run-} folders, and manifests, manifest lists and metadata files of commits killed
     * half-way (written before the catalog's pointer moved, or never moved). Returns how many files it removed.
     */
    static int removeOrphans(Table table, long now, long orphanAgeMs) {
        if (!(table.io() instanceof SupportsPrefixOperations io)) {
            return 0;
        }
        // listed before the snapshots are read: a file committed in between is then seen as referenced
        Set<String> data = old(io, table.location() + "/data/", now - orphanAgeMs, name -> name.contains("/run-"));
        Set<String> metadata = old(io, table.location() + "/metadata/", now - orphanAgeMs,
                name -> name.endsWith(".avro") || name.endsWith(".metadata.json"));
        if (data.isEmpty() && metadata.isEmpty()) {
            return 0;
        }
        table.refresh();
        Set<String> referenced = referenced(table);
        data.removeAll(referenced);
        metadata.removeAll(referenced);
        for (String orphan : data) {
            io.deleteFile(orphan);
            LOG.info("Removed {}, a data file no snapshot references (left by a compaction attempt that did not"
                    + " commit)", orphan);
        }
        for (String orphan : metadata) {
            io.deleteFile(orphan);
            LOG.info("Removed {}, a metadata file neither the table's metadata nor any snapshot references (left by"
                    + " a commit that did not finish)", orphan);
        }
        return data.size() + metadata.size();
    }

    private static Set<String> old(SupportsPrefixOperations io, String prefix, long before,
            Predicate<String> candidate) {
        Set<String> old = new HashSet<>();
        for (FileInfo file : io.listPrefix(prefix)) {
            if (candidate.test(file.location()) && file.createdAtMillis() < before) {
                old.add(file.location());
            }
        }
        return old;
    }

    /**
     * Every file the table's current metadata reaches: its metadata file and those of its log, each snapshot's
     * manifest list and manifests, the data files they name, and statistics files.
     */
    private static Set<String> referenced(Table table) {
        Set<String> referenced = new HashSet<>(ReachableFileUtil.metadataFileLocations(table, false));
        referenced.addAll(ReachableFileUtil.manifestListLocations(table));
        referenced.addAll(ReachableFileUtil.statisticsFilesLocations(table));
        Set<String> manifests = new HashSet<>();
        for (Snapshot snapshot : table.snapshots()) {
            for (ManifestFile manifest : snapshot.allManifests(table.io())) {
                referenced.add(manifest.path());
                if (manifest.content() == ManifestContent.DATA && manifests.add(manifest.path())) {
                    try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, table.io(), table.specs())) {
                        reader.forEach(file -> referenced.add(file.location()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return referenced;
    }
}
