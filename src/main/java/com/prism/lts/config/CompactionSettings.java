package com.prism.lts.config;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code prism.compact.*} settings of {@code prism-lts compact} (docs/compaction.md), read with the archiver's
 * settings: the compactor works on the same topics, Kafka group, S3 bucket and zone.
 *
 * @param closedAfterMs       a day is compacted once its end (in {@code prism.metric-date.zone}) is this far behind
 * @param catalogType         {@code jdbc} (embedded: a SQLite file), {@code rest} or {@code glue}
 * @param catalogUri          the JDBC URL of the embedded catalog, or the REST catalog's endpoint
 * @param warehouse           where tables live, {@code s3://bucket/folder}; empty: {@code s3://<bucket>/iceberg}
 * @param catalogCredential   the REST catalog's OAuth2 client credential ({@code id:secret}); a secret
 * @param sigv4Service        the AWS service a REST catalog's requests are signed for ({@code glue},
 *                            {@code s3tables}); empty: unsigned
 * @param tableName           the table of a topic; {@code {topic}} is the topic, with every character but letters,
 *                            digits and {@code _} made {@code _}
 * @param maxSmallDataFiles   a day's data files smaller than 3/4 of the target size, at most: a run that would add
 *                            one more folds them, with its new records, into new files
 * @param worker              this worker's number, from 0
 * @param workers             how many workers share the days: a day belongs to one of them
 */
public record CompactionSettings(
        long closedAfterMs,
        String catalogType,
        String catalogName,
        String catalogUri,
        Optional<String> warehouse,
        Optional<String> catalogCredential,
        Optional<String> sigv4Service,
        String namespace,
        String tableName,
        long targetFileSizeBytes,
        long rowGroupSizeBytes,
        int maxSmallDataFiles,
        long orphanAgeMs,
        long snapshotRetentionMs,
        int worker,
        int workers) {

    public static final Set<String> CATALOG_TYPES = Set.of("jdbc", "rest", "glue");

    /**
     * Reads the compaction settings alone, as the tools that read the tables do (audit, restore); {@code shownAs}
     * names a setting in messages as the user gave it (an option).
     */
    public static CompactionSettings from(Function<String, Optional<String>> lookup,
            Function<String, String> shownAs) {
        return ArchiveSettings.Reader.readAlone(lookup, shownAs, CompactionSettings::read);
    }

    static CompactionSettings read(ArchiveSettings.Reader r) {
        CompactionSettings settings = new CompactionSettings(
                r.positiveLong("prism.compact.closed-after-ms"),
                r.oneOf("prism.compact.catalog.type", CATALOG_TYPES),
                r.required("prism.compact.catalog.name"),
                r.optional("prism.compact.catalog.uri").orElse(""),
                r.optional("prism.compact.catalog.warehouse").map(w -> w.replaceAll("/+$", "")),
                r.optional("prism.compact.catalog.credential"),
                r.optional("prism.compact.catalog.sigv4-service"),
                r.required("prism.compact.namespace"),
                r.required("prism.compact.table"),
                r.positiveInt("prism.compact.target-file-size-mb") * 1024L * 1024,
                r.positiveInt("prism.compact.row-group-size-mb") * 1024L * 1024,
                r.positiveInt("prism.compact.max-small-data-files"),
                r.positiveLong("prism.compact.orphan-age-ms"),
                r.positiveLong("prism.compact.snapshot-retention-ms"),
                worker(r),
                r.positiveInt("prism.compact.workers"));
        if (settings.worker >= settings.workers) {
            r.problem("prism.compact.worker", "must be below prism.compact.workers (" + settings.workers + "), but is "
                    + settings.worker);
        }
        if (!settings.catalogType.equals("glue") && settings.catalogUri.isEmpty()) {
            r.problem("prism.compact.catalog.uri", "must be set for a " + settings.catalogType + " catalog");
        }
        if (settings.rowGroupSizeBytes > settings.targetFileSizeBytes) {
            r.problem("prism.compact.row-group-size-mb", "must not be larger than prism.compact.target-file-size-mb");
        }
        settings.warehouse.filter(w -> !settings.catalogType.equals("rest") && !w.startsWith("s3://"))
                .ifPresent(w -> r.problem("prism.compact.catalog.warehouse", "must be an s3:// location for a "
                        + settings.catalogType + " catalog, but is '" + w + "'"));
        return settings;
    }

    private static int worker(ArchiveSettings.Reader r) {
        String value = r.required("prism.compact.worker");
        try {
            int worker = Integer.parseInt(value);
            if (worker >= 0) {
                return worker;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        if (!value.isEmpty()) {
            r.problem("prism.compact.worker", "must be 0 or more, but is '" + value + "'");
        }
        return 0;
    }

    /** The table of {@code topic}: the setting, with the topic made a name every catalog accepts. */
    public String table(String topic) {
        return table(tableName, topic);
    }

    /** A table name pattern for {@code topic}: {@code {topic}} replaced by the topic as every catalog accepts it. */
    public static String table(String pattern, String topic) {
        return pattern.replace("{topic}", topic.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_"));
    }

    @Override
    public String toString() {
        // the credential is a secret: never in a log line or a message
        return "CompactionSettings[catalog=" + catalogType + " " + catalogUri + ", table=" + namespace + "."
                + tableName + "]";
    }
}
