package com.prism.lts.compact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps a compacted table small, after each run: snapshots older than {@code prism.compact.snapshot-retention-ms}
 * expire (the newest is always kept), and data files that a killed or refused attempt left under its
 * {@code run-<id>/} folder are removed once no snapshot references them and they are older than
 * {@code prism.compact.orphan-age-ms} (so that an attempt still running is never robbed of its files: an attempt that
 * took longer than half of that age does not commit).
 */
final class TableMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

    private TableMaintenance() {
    }

    static void expireSnapshots(Table table, long now, long retentionMs) {
        table.expireSnapshots().expireOlderThan(now - retentionMs).retainLast(1).commit();
    }

    /** Removes the orphan data files of earlier attempts; returns how many. */
    static int removeOrphans(Table table, long now, long orphanAgeMs) {
        if (!(table.io() instanceof SupportsPrefixOperations io)) {
            return 0;
        }
        // listed before the snapshots are read: a file committed in between is then seen as referenced
        Set<String> candidates = new HashSet<>();
        for (FileInfo file : io.listPrefix(table.location() + "/data/")) {
            if (file.location().contains("/run-") && file.createdAtMillis() < now - orphanAgeMs) {
                candidates.add(file.location());
            }
        }
        if (candidates.isEmpty()) {
            return 0;
        }
        table.refresh();
        candidates.removeAll(referenced(table));
        for (String orphan : candidates) {
            io.deleteFile(orphan);
            LOG.info("Removed {}, a data file no snapshot references (left by a compaction attempt that did not"
                    + " commit)", orphan);
        }
        return candidates.size();
    }

    private static Set<String> referenced(Table table) {
        Set<String> manifests = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (Snapshot snapshot : table.snapshots()) {
            for (ManifestFile manifest : snapshot.dataManifests(table.io())) {
                if (manifests.add(manifest.path())) {
                    try (ManifestReader<DataFile> reader = ManifestFiles.read(manifest, table.io(), table.specs())) {
                        reader.forEach(file -> files.add(file.location()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return files;
    }
}
