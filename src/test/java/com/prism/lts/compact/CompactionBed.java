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
    private final Map<String, String> settings;

    CompactionBed(Testbed testbed, String topic) {
        this.testbed = testbed;
        this.topic = topic;
        this.settings = new HashMap<>(testbed.settings(topic));
        try {
            Path catalog = Files.createTempDirectory("prism-catalog");
            settings.put("prism.compact.catalog.uri", "jdbc:sqlite:" + catalog.resolve("catalog.db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.put("prism.compact.catalog.warehouse", "s3://" + Testbed.BUCKET + "/" + topic + "-tables");
    }

    /** The settings of the archiver and the compactor (system properties of a compactor in its own JVM). */
    Map<String, String> settings() {
        return settings;
    }

    String topic() {
        return topic;
    }

    ArchiveSettings archiveSettings() {
        Properties defaults = SettingDefaults.builtIn();
        return ArchiveSettings.from(name -> Optional.ofNullable(settings.getOrDefault(name,
                defaults.getProperty(name))).filter(v -> !v.isBlank()));
    }

    /** One run of the compactor in this JVM. */
    Compactor.Report compact(CompactionSteps steps) {
        try (Compactor compactor = new Compactor(archiveSettings(), steps, Clock.systemUTC())) {
            return compactor.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
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
        return testbed.s3().keys(Testbed.BUCKET, topic + "/" + topic + "/").stream()
                .filter(key -> ArchiveKey.parse(key).isPresent()).toList();
    }

    /** The objects under the table's data folder. */
    List<String> dataFiles() {
        return testbed.s3().keys(Testbed.BUCKET, topic + "-tables/").stream()
                .filter(key -> key.contains("/data/")).toList();
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
