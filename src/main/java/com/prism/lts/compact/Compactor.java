package com.prism.lts.compact;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.prism.lts.ToolFailure;
import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.CompactionSettings;
import com.prism.lts.table.ArchiveTable;
import com.prism.lts.upload.S3Clients;
import com.prism.lts.write.ArchiveKey;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One run of {@code prism-lts compact}: for each archived topic, every closed day of this worker's share is folded
 * into the topic's Iceberg table ({@link DayCompaction}), then the table's old snapshots expire and the orphan files of
 * attempts that did not commit are removed. docs/compaction.md tells why this is exactly once.
 * <p>
 * A day is closed when its end, in {@code prism.metric-date.zone}, is {@code prism.compact.closed-after-ms} behind and
 * the archiver's committed offset of every partition has passed every file of the day: below the committed offset the
 * archiver writes nothing again, so the files of the day are final (records that arrive later for the day land in new
 * small files, which the next run folds in).
 */
public final class Compactor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
    private static final Pattern DAY_FOLDER = Pattern.compile(".*/year=(\\d{4})/month=(\\d{2})/day=(\\d{2})/");

    private final ArchiveSettings settings;
    private final Context context;
    private final S3Client s3;
    private final Catalog catalog;
    private final Admin admin;

    /** What a day's compaction needs from the run. */
    interface Context {
        CompactionSettings settings();

        Catalog catalog();

        TableIdentifier tableId(String topic);

        /** Where a new table gets a folder of its own; empty where the catalog chooses (a REST catalog). */
        Optional<String> tableLocationRoot();

        S3Client s3();

        String bucket();

        Retrying retrying();

        CompactionSteps steps();

        Clock clock();

        /** The archiver's committed offset of each partition of {@code topic}, read once per run. */
        Map<Integer, Long> committed(String topic);
    }

    /** What a run did. */
    public record Report(List<DayOutcome> days, int orphansRemoved) {
    }

    /** A compactor with the settings {@code lookup} answers ({@link ArchiveSettings}, Kafka's security among them). */
    public Compactor(Function<String, Optional<String>> lookup, CompactionSteps steps, Clock clock) {
        this(ArchiveSettings.from(lookup), steps, clock);
    }

    private Compactor(ArchiveSettings settings, CompactionSteps steps, Clock clock) {
        this.settings = settings;
        this.s3 = S3Clients.create(settings);
        Retrying retrying = new Retrying(settings.retry());
        // two compactors opening one embedded catalog at once may find its tables half created, or its file busy
        this.catalog = retrying.call("open the catalog", () -> Catalogs.create(settings));
        // the archiver's client security: a cluster that wants TLS or SASL from the archiver wants it from here too
        Map<String, Object> admin = new HashMap<>(settings.kafkaSecurity().clientProperties());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        this.admin = Admin.create(admin);
        Map<String, Map<Integer, Long>> committed = new HashMap<>();
        this.context = new Context() {
            @Override
            public CompactionSettings settings() {
                return settings.compaction();
            }

            @Override
            public Catalog catalog() {
                return catalog;
            }

            @Override
            public TableIdentifier tableId(String topic) {
                return Catalogs.tableId(settings.compaction(), topic);
            }

            @Override
            public Optional<String> tableLocationRoot() {
                return settings.compaction().catalogType().equals("rest") ? Optional.empty()
                        : Optional.of(Catalogs.warehouse(settings.compaction(), settings.bucket()));
            }

            @Override
            public S3Client s3() {
                return s3;
            }

            @Override
            public String bucket() {
                return settings.bucket();
            }

            @Override
            public Retrying retrying() {
                return retrying;
            }

            @Override
            public CompactionSteps steps() {
                return steps;
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public Map<Integer, Long> committed(String topic) {
                return committed.computeIfAbsent(topic, Compactor.this::committedOffsets);
            }
        };
    }

    /** Compacts every closed day of every topic that is this worker's. */
    public Report run() {
        List<DayOutcome> days = new ArrayList<>();
        int orphans = 0;
        for (String topic : context.retrying().call("list the topics", this::topics)) {
            for (LocalDate day : context.retrying().call("list the days of " + topic, () -> closedDays(topic))) {
                String folder = ArchiveKey.dayFolder(settings.prefix(), topic, day);
                new DayCompaction(context, topic, day, () -> objects(folder)).run().ifPresent(outcome -> {
                    LOG.info("{} {}: {}{}", topic, day, outcome.kind(), outcome.reason().isEmpty() ? ""
                            : ": " + outcome.reason());
                    days.add(outcome);
                });
            }
            Optional<ArchiveTable> table = ArchiveTable.load(catalog, context.tableId(topic));
            if (table.isPresent()) {
                long now = context.clock().millis();
                orphans += context.retrying().call("remove orphan files of " + topic, () -> TableMaintenance
                        .removeOrphans(table.get().table(), now, settings.compaction().orphanAgeMs()));
                context.retrying().run("expire old snapshots of " + topic, () -> TableMaintenance.expireSnapshots(
                        table.get().table(), now, settings.compaction().snapshotRetentionMs()));
            }
        }
        return new Report(days, orphans);
    }

    /** The topics listed, or those of the archive whose names the pattern matches (but dead-letter topics). */
    private List<String> topics() {
        if (settings.topicPattern().isEmpty()) {
            return settings.topics();
        }
        Pattern archived = settings.subscription(settings.topicPattern().get());
        String root = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        return folders(root).stream().map(folder -> folder.substring(root.length(), folder.length() - 1))
                .filter(topic -> archived.matcher(topic).matches()).toList();
    }

    /** The days of {@code topic} that have ended long enough ago and are this worker's, oldest first. */
    private List<LocalDate> closedDays(String topic) {
        String folder = ArchiveKey.dayFolder(settings.prefix(), topic, LocalDate.of(2000, 1, 1))
                .replaceAll("year=.*", "");
        long now = context.clock().millis();
        List<LocalDate> days = new ArrayList<>();
        for (String year : folders(folder)) {
            for (String month : folders(year)) {
                for (String dayFolder : folders(month)) {
                    Matcher m = DAY_FOLDER.matcher(dayFolder);
                    if (!m.matches()) {
                        continue;
                    }
                    LocalDate day = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)));
                    long end = day.plusDays(1).atStartOfDay(settings.topic(topic).metricDateZone()).toInstant()
                            .toEpochMilli();
                    if (end + settings.compaction().closedAfterMs() <= now && isMine(topic, day)) {
                        days.add(day);
                    }
                }
            }
        }
        return days;
    }

    /** Whether a day belongs to this worker: each (topic, day) to exactly one of {@code prism.compact.workers}. */
    private boolean isMine(String topic, LocalDate day) {
        return Math.floorMod((topic + "/" + day).hashCode(), settings.compaction().workers())
                == settings.compaction().worker();
    }

    private List<String> folders(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix).delimiter("/"))
                .commonPrefixes().stream().map(CommonPrefix::prefix).toList();
    }

    private List<S3Object> objects(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix)).contents().stream()
                .toList();
    }

    private Map<Integer, Long> committedOffsets(String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(settings.groupId())
                    .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
            Map<Integer, Long> committed = new HashMap<>();
            offsets.forEach((partition, offset) -> {
                if (partition.topic().equals(topic) && offset != null) {
                    committed.put(partition.partition(), offset.offset());
                }
            });
            return committed;
        } catch (ExecutionException | TimeoutException e) {
            throw new ToolFailure("could not read the committed offsets of consumer group " + settings.groupId()
                    + " from Kafka at " + settings.bootstrapServers() + ": " + Retrying.rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure("interrupted while reading the committed offsets");
        }
    }

    @Override
    public void close() {
        admin.close();
        s3.close();
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
