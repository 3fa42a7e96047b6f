package com.prism.lts.compact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.table.ArchiveTable;
import com.prism.lts.testing.Testbed;
import com.prism.lts.write.ArchiveKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The compactor's view of a test's topic: the archiver's settings for it (the test's broker, S3 server and group) with
 * an embedded catalog of its own (a SQLite file) and the topic's table under the bucket, and what a test reads back.
 */
final class CompactionBed {

    static final LocalDate FIRST_DAY = LocalDate.of(2018, 1, 1);

    private final Testbed testbed;
    private final String topic;
    private final String prefix;
    private final Map<String, String> settings;

    /** The topic archived under a prefix of its own name, as {@link Testbed#settings} has it. */
    CompactionBed(Testbed testbed, String topic) {
        this(testbed, topic, topic, testbed.settings(topic));
    }

    /** The same topic and group, archived (or copied) under {@code prefix}, with a catalog and tables of its own. */
    CompactionBed under(String prefix) {
        return new CompactionBed(testbed, topic, prefix, settings);
    }

    private CompactionBed(Testbed testbed, String topic, String prefix, Map<String, String> settings) {
        this.testbed = testbed;
        this.topic = topic;
        this.prefix = prefix;
        this.settings = new HashMap<>(settings);
        this.settings.put("prism.s3.prefix", prefix);
        try {
            Path catalog = Files.createTempDirectory("prism-catalog");
            this.settings.put("prism.compact.catalog.uri", "jdbc:sqlite:" + catalog.resolve("catalog.db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.settings.put("prism.compact.catalog.warehouse", "s3://" + Testbed.BUCKET + "/" + prefix + "-tables");
    }

    /** The settings of the archiver and the compactor (system properties of a compactor in its own JVM). */
    Map<String, String> settings() {
        return settings;
    }

    String topic() {
        return topic;
    }

    /** The options that point a tool ({@code audit}, {@code restore}) at this bed's broker, archive and catalog. */
    List<String> toolOptions() {
        return List.of("--bootstrap-servers", settings.get("prism.kafka.bootstrap-servers"), "--endpoint",
                settings.get("prism.s3.endpoint"), "--path-style", "--access-key", settings.get("prism.s3.access-key"),
                "--secret-key", settings.get("prism.s3.secret-key"), "--bucket", Testbed.BUCKET, "--prefix", prefix,
                "--catalog-uri", settings.get("prism.compact.catalog.uri"));
    }

    /** The settings as the compactor looks them up: this bed's, over the built-in defaults. */
    java.util.function.Function<String, Optional<String>> lookup() {
        Properties defaults = SettingDefaults.builtIn();
        return name -> Optional.ofNullable(settings.getOrDefault(name, defaults.getProperty(name)))
                .filter(v -> !v.isBlank());
    }

    ArchiveSettings archiveSettings() {
        return ArchiveSettings.from(lookup());
    }

    /** One run of the compactor in this JVM. */
    Compactor.Report compact(CompactionSteps steps) {
        try (Compactor compactor = new Compactor(lookup(), steps, Clock.systemUTC())) {
            return compactor.run();
        }
    }

    Compactor.Report compact() {
        return compact(Quiet.STEPS);
    }

    Catalog catalog() {
        return Catalogs.create(archiveSettings());
    }

    TableIdentifier tableId() {
        return TableIdentifier.of(Namespace.of("prism_lts"), archiveSettings().compaction().table(topic));
    }

    Table table() {
        return catalog().loadTable(tableId());
    }

    /** Every row of the table, read with Iceberg's own generic reader. */
    List<Record> rows() {
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> all = IcebergGenerics.read(table()).build()) {
            all.forEach(rows::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** The small files of the topic still in the archive. */
    List<String> smallFiles() {
        return testbed.s3().keys(Testbed.BUCKET, prefix + "/" + topic + "/").stream()
                .filter(key -> ArchiveKey.parse(key).isPresent()).toList();
    }

    /** The objects under the table's data folder. */
    List<String> dataFiles() {
        return testbed.s3().keys(Testbed.BUCKET, prefix + "-tables/").stream()
                .filter(key -> key.contains("/data/")).toList();
    }

    /** Copies the small files of {@code days} from another bed's prefix to this one's, as they are (same ETags). */
    void copyDays(CompactionBed from, LocalDate... days) {
        copyDays(from, key -> true, days);
    }

    /** Copies those small files of {@code days} whose key (in {@code from}) {@code which} accepts. */
    void copyDays(CompactionBed from, java.util.function.Predicate<String> which, LocalDate... days) {
        for (LocalDate day : days) {
            String source = ArchiveKey.dayFolder(from.prefix, topic, day);
            for (String key : testbed.s3().keys(Testbed.BUCKET, source).stream().filter(which).toList()) {
                String target = ArchiveKey.dayFolder(prefix, topic, day) + key.substring(source.length());
                testbed.s3().client().copyObject(b -> b.sourceBucket(Testbed.BUCKET).sourceKey(key)
                        .destinationBucket(Testbed.BUCKET).destinationKey(target));
            }
        }
    }

    /**
     * Where each record is now, by partition and offset: how many rows of the table hold it, plus how many small files
     * hold it that the table does not name (a small file the table names is a copy of rows it holds, awaiting
     * deletion).
     */
    Map<String, Integer> holdings() {
        Map<String, Integer> places = new HashMap<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        if (catalog().tableExists(tableId())) {
            for (Record row : rows()) {
                Record prism = provenance(row);
                places.merge(prism.getField(ArchiveTable.PARTITION) + "/" + prism.getField(ArchiveTable.OFFSET), 1,
                        Integer::sum);
                named.add(prism.getField(ArchiveTable.FILE) + "#" + prism.getField(ArchiveTable.FILE_ETAG));
            }
        }
        for (software.amazon.awssdk.services.s3.model.S3Object object : testbed.s3().objects(Testbed.BUCKET,
                prefix + "/" + topic + "/")) {
            if (named.contains(object.key() + "#" + object.eTag().replace("\"", ""))) {
                continue;
            }
            com.prism.lts.testing.S3Server.ArchiveFile file = testbed.s3().read(Testbed.BUCKET, object.key());
            int partition = Integer.parseInt(new String(file.meta().get(com.prism.lts.write.Provenance.PARTITION),
                    java.nio.charset.StandardCharsets.UTF_8));
            for (long offset : com.prism.lts.write.Provenance.decode(file.meta().get(
                    com.prism.lts.write.Provenance.OFFSETS))) {
                places.merge(partition + "/" + offset, 1, Integer::sum);
            }
        }
        return places;
    }

    /** The data files of {@code day} in the table's current snapshot. */
    List<org.apache.iceberg.DataFile> dataFiles(LocalDate day) {
        List<org.apache.iceberg.DataFile> files = new ArrayList<>();
        try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks = table().newScan()
                .filter(ArchiveTable.dayIs(day)).planFiles()) {
            tasks.forEach(task -> files.add(task.file()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The objects under the table's metadata folder. */
    List<String> metadataFiles() {
        return testbed.s3().keys(Testbed.BUCKET, prefix + "-tables/").stream()
                .filter(key -> key.contains("/metadata/")).toList();
    }

    /**
     * The metadata files the table's current metadata reaches, as Iceberg's own {@code ReachableFileUtil} and the
     * snapshots name them: metadata files of its log, manifest lists, manifests.
     */
    java.util.Set<String> referencedMetadata() {
        Table table = table();
        java.util.Set<String> referenced = new java.util.HashSet<>(org.apache.iceberg.ReachableFileUtil
                .metadataFileLocations(table, false));
        referenced.addAll(org.apache.iceberg.ReachableFileUtil.manifestListLocations(table));
        table.snapshots().forEach(snapshot -> snapshot.allManifests(table.io())
                .forEach(manifest -> referenced.add(manifest.path())));
        return referenced;
    }

    /** The data files under the table's folder that no snapshot of the table references. */
    List<String> orphans() {
        java.util.Set<String> referenced = new java.util.HashSet<>();
        Table table = table();
        for (org.apache.iceberg.Snapshot snapshot : table.snapshots()) {
            try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks = table.newScan()
                    .useSnapshot(snapshot.snapshotId()).planFiles()) {
                tasks.forEach(task -> referenced.add(task.file().location()
                        .substring(("s3://" + Testbed.BUCKET + "/").length())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dataFiles().stream().filter(key -> !referenced.contains(key)).toList();
    }

    static Record provenance(Record row) {
        return (Record) row.getField(ArchiveTable.PROVENANCE);
    }

    /** Steps nobody follows. */
    enum Quiet implements CompactionSteps {
        STEPS;

        @Override
        public void reached(Step step, String topic, LocalDate day) {
        }

        @Override
        public void deleted(String key, int done, int total) {
        }
    }
}
