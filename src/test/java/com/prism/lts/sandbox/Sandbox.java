package com.prism.lts.sandbox;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.prism.lts.batch.DayBatches;
import com.prism.lts.compact.CompactionSteps;
import com.prism.lts.compact.Compactor;
import com.prism.lts.compact.DayOutcome;
import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.CompactionSettings;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.deadletter.RejectReason;
import com.prism.lts.decode.DirectorySchemaSource;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.demo.Traffic;
import com.prism.lts.demo.TrafficOptions;
import com.prism.lts.demo.TrafficSender;
import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.inspect.Listing;
import com.prism.lts.inspect.ListingReport;
import com.prism.lts.observe.ArchiveMetrics;
import com.prism.lts.testing.EmbeddedKafka;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.ScriptCommand;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prism LTS on a machine with nothing but Java and Maven: a real Kafka broker and a real S3 server in this process, the
 * archiver on them with the shipped route and settings (only the endpoints, and the flush settings asked for,
 * differ), the schema registry replaced by a schema directory, and demo traffic. Launched by {@code ./sandbox}.
 */
@Command(name = "./sandbox", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Starts a Kafka broker and an S3 server in one process, runs the archiver on them with the"
                + " routes in routes/, sends demo traffic, shows the archive filling up, compacts the days before"
                + " the last into an Iceberg table, prints a query on it and keeps running until Ctrl-C."})
public final class Sandbox implements Callable<Integer> {

    static final int SCHEMA_ID = 1;
    /** The exit code of a process stopped by Ctrl-C. */
    private static final int STOPPED = 130;
    private static final long TICK_MS = 200;
    private static final long PRINT_EVERY_MS = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    TrafficOptions trafficOptions;

    @Option(names = "--flush-size", descriptionKey = "prism.flush.size",
            description = "A file holds at most this many records (default: ${DEFAULT-VALUE}).")
    int flushSize;

    @Option(names = "--flush-quiet-ms", descriptionKey = "prism.flush.quiet-ms",
            description = "A smaller batch is written after this long without a new record"
                    + " (default: ${DEFAULT-VALUE}).")
    long quietMs;

    @Option(names = "--flush-max-age-ms", descriptionKey = "prism.flush.max-age-ms",
            description = "...and at the latest this long after its first record (default: ${DEFAULT-VALUE}).")
    long maxAgeMs;

    @Option(names = "--dir", defaultValue = "target/sandbox",
            description = "Folder for the S3 server's files and the schemas (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--exit-when-done",
            description = "Stop once every event sent is archived, instead of running until Ctrl-C.")
    boolean exitWhenDone;

    public static void main(String[] args) {
        System.exit(ScriptCommand.execute(new Sandbox(), args));
    }

    @Override
    public Integer call() throws Exception {
        Traffic traffic = trafficOptions.traffic();
        SandboxFolder folder = new SandboxFolder(dir);
        Map<String, String> archiveSettings = archiveSettings(folder, traffic.topic());
        SettingDefaults defaults = new SettingDefaults();
        // before anything starts or is emptied
        ScriptCommand.checkSettings(spec, name -> Optional.ofNullable(archiveSettings.get(name))
                .or(() -> defaults.value(name)));
        PrintWriter out = spec.commandLine().getOut();
        folder.fresh();
        QuietLogs quiet = QuietLogs.start();
        out.println("Starting a Kafka broker and an S3 server in this process...");
        out.flush();
        EmbeddedKafka kafka = EmbeddedKafka.start(folder.kafka());
        EmbeddedS3 s3 = EmbeddedS3.start(folder.s3());
        kafka.createTopic(traffic.topic(), traffic.partitions());
        DirectorySchemaSource.publish(folder.schemas(), SCHEMA_ID, DemoEvents.SCHEMA);
        s3.createBucket(defaults.value("prism.s3.bucket").orElseThrow());
        Map<String, String> withEndpoints = new HashMap<>(archiveSettings);
        withEndpoints.putAll(s3.settings());
        withEndpoints.put("prism.kafka.bootstrap-servers", kafka.bootstrapServers());
        RunningArchive archive = RunningArchive.start(withEndpoints);
        // a sandbox is for trying things: a saved route takes effect without a restart
        RouteFolderReload.watch(archive.context(), Path.of("routes"));
        Watch watch = new Watch(archive, out);
        Thread stop = new Thread(() -> {
            watch.stop();
            out.println("Stopping: writing the open batches, then stopping the archiver, S3 and Kafka...");
            out.flush();
            archive.close();
            s3.close();
            kafka.close();
            quiet.close();
            out.println("Stopped. The archive stays in " + folder.s3() + ".");
            out.flush();
        }, "sandbox-stop");
        Runtime.getRuntime().addShutdownHook(stop);

        ArchiveSettings settings = archive.bean("archiveSettings", ArchiveSettings.class);
        out.printf(Locale.ROOT, "Kafka at %s, S3 at %s. The archiver reads topic %s and writes to s3://%s/%s%n",
                kafka.bootstrapServers(), s3.endpoint(), traffic.topic(), settings.bucket(), settings.prefix());
        out.printf(Locale.ROOT, "Sending %,d events, metric_date from %s to %s, on %d partitions.%n", traffic.count(),
                traffic.firstDay(), traffic.lastDay(), traffic.partitions());
        out.flush();
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            TrafficSender sender = new TrafficSender(producer);
            CompletableFuture<Duration> sending = CompletableFuture.supplyAsync(() -> send(sender, traffic));
            if (!watch.untilSettled(sender, sending, traffic.count(), settings)) {
                return STOPPED;
            }
        }
        Path files = folder.s3().resolve(settings.bucket()).resolve(settings.prefix()).resolve(traffic.topic());
        summary(s3, settings, files, out);
        Map<String, String> compaction = compactionSettings(folder);
        withEndpoints.putAll(compaction);
        compact(kafka, settings, withEndpoints, folder, traffic, out);

        if (exitWhenDone) {
            Runtime.getRuntime().removeShutdownHook(stop);
            stop.run();
            return 0;
        }
        howToGoOn(kafka, s3, compaction, folder, traffic, out);
        watch.forever();
        return STOPPED;
    }

    /** The archiver's settings that the sandbox sets, but for the endpoints of the broker and the S3 server. */
    private Map<String, String> archiveSettings(SandboxFolder folder, String topic) {
        Map<String, String> settings = new HashMap<>();
        settings.put("prism.schema-directory", folder.schemas().toString());
        settings.put("prism.topics", topic);
        settings.put("prism.flush.size", Integer.toString(flushSize));
        settings.put("prism.flush.quiet-ms", Long.toString(quietMs));
        settings.put("prism.flush.max-age-ms", Long.toString(maxAgeMs));
        return settings;
    }

    /** The compactor's settings in the sandbox: its catalog in the folder, and a day closed as soon as it ends. */
    private static Map<String, String> compactionSettings(SandboxFolder folder) {
        return Map.of("prism.compact.catalog.uri", "jdbc:sqlite:" + folder.root().resolve("catalog.db"),
                "prism.compact.closed-after-ms", "1");
    }

    /**
     * Compacts the days archived, once the archiver's committed offsets have passed every record sent (a day is
     * compacted only then), as on the last day of the traffic: the days before it are closed and become the table,
     * the last one stays as the Avro files the archiver wrote, to be seen; then prints a query that runs on the table
     * where it lies: DuckDB over its Parquet files.
     */
    private static void compact(EmbeddedKafka kafka, ArchiveSettings archived, Map<String, String> settings,
            SandboxFolder folder, Traffic traffic, PrintWriter out) throws InterruptedException {
        String topic = traffic.topic();
        Map<Integer, Long> end = kafka.endOffsets(topic);
        while (!kafka.committed(archived.groupId(), topic).equals(end)) {
            TimeUnit.MILLISECONDS.sleep(TICK_MS);
        }
        out.println();
        out.println("Compacting the archived days into an Iceberg table, as prism-lts compact would on "
                + traffic.lastDay() + " (here a day is closed as soon as it has ended and the archiver's committed"
                + " offsets have passed its files; " + traffic.lastDay() + " stays as Avro files)...");
        out.flush();
        SettingDefaults defaults = new SettingDefaults();
        Compactor.Report report;
        try (Compactor compactor = new Compactor(name -> Optional.ofNullable(settings.get(name))
                .or(() -> defaults.value(name)), QUIET, asOn(traffic.lastDay(), archived.topic(topic).metricDateZone()))) {
            report = compactor.run();
        }
        List<DayOutcome> compacted = report.days().stream().filter(day -> day.kind() == DayOutcome.Kind.COMPACTED)
                .toList();
        out.printf(Locale.ROOT, "  compacted %,d days: %,d records of %,d small files into %,d Parquet data files;"
                + " the small files are deleted.%n", compacted.size(), compacted.stream().mapToLong(DayOutcome::records)
                        .sum(), compacted.stream().mapToInt(DayOutcome::foldedFiles).sum(), compacted.stream()
                                .mapToInt(DayOutcome::dataFiles).sum());
        report.days().stream().filter(day -> day.kind() != DayOutcome.Kind.COMPACTED).forEach(day -> out.println(
                "  " + day.day() + " left as it is: " + day.reason()));
        CompactionSettings compaction = ArchiveSettings.from(name -> Optional.ofNullable(settings.get(name))
                .or(() -> defaults.value(name))).compaction();
        Path tables = folder.s3().resolve(archived.bucket()).resolve("iceberg")
                .resolve(compaction.namespace().replace('.', '/'));
        String name = compaction.table(topic);
        Path table;
        try (Stream<Path> folders = Files.list(tables)) {
            table = folders.filter(f -> f.getFileName().toString().startsWith(name + "-")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
        out.println("The table " + compaction.namespace() + "." + name + " is in " + table + " (its catalog: "
                + compaction.catalogUri().substring("jdbc:sqlite:".length()) + "). A query on its Parquet files,"
                + " where they lie (DuckDB: duckdb -c \"...\"):");
        out.println("  " + query(table));
        out.println("Athena, Trino and Spark read it through its catalog: docs/compaction.md, \"Queries\".");
        out.flush();
    }

    /** A clock just past the start of {@code day}, to which every day before it has ended. */
    private static Clock asOn(LocalDate day, ZoneId zone) {
        return Clock.fixed(day.atStartOfDay(zone).toInstant().plusMillis(1), zone);
    }

    /** Events and users per day, from the table's data files (the sandbox compacts once: every file is current). */
    static String query(Path table) {
        return "SELECT prism.day, count(*) AS events, count(DISTINCT user_id) AS users FROM read_parquet('"
                + table.resolve("data") + "/*/*/*.parquet') GROUP BY prism.day ORDER BY prism.day;";
    }

    private static Duration send(TrafficSender sender, Traffic traffic) {
        try {
            return sender.send(traffic, SCHEMA_ID, sent -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending", e);
        }
    }

    private static void summary(EmbeddedS3 s3, ArchiveSettings settings, Path files, PrintWriter out) {
        ArchiveBucket bucket = new ArchiveBucket(s3.client(), settings.bucket(), s3.endpoint().toString());
        Listing listing = bucket.list(settings.prefix().isEmpty() ? "" : settings.prefix() + "/", key -> true);
        out.println();
        out.println("The archive now holds:");
        ListingReport.days(listing).forEach(line -> out.println("  " + line));
        out.println();
        out.println("The files are in " + files + ", one folder per day (year=YYYY/month=MM/day=DD);"
                + " any Avro tool opens them.");
        out.flush();
    }

    private static void howToGoOn(EmbeddedKafka kafka, EmbeddedS3 s3, Map<String, String> compaction,
            SandboxFolder folder, Traffic traffic, PrintWriter out) {
        String jar = "java -jar target/prism-lts.jar";
        out.println();
        out.println("The archiver keeps running until Ctrl-C. In another terminal, after `mvn -q -DskipTests package`,"
                + " paste these lines so that the tools need no options:");
        Map<String, String> settings = new HashMap<>(s3.settings());
        settings.putAll(compaction);
        ToolEnvironment.exports(ToolEnvironment.variables(kafka.bootstrapServers(), settings, folder.schemas(),
                traffic.topic())).forEach(line -> out.println("  " + line));
        out.println("then:");
        out.println("  send more: " + jar + " send --count 1000 --partitions " + traffic.partitions());
        out.println("  list:      " + jar + " ls");
        out.println("  print:     " + jar + " cat --day " + traffic.lastDay() + "      (a day not compacted)");
        out.println("  audit:     " + jar + " audit");
        out.println("  restore:   " + jar + " restore --topic " + traffic.topic() + " --from " + traffic.firstDay()
                + " --to " + traffic.lastDay() + " --to-topic " + traffic.topic() + ".restored --create-topic");
        out.println("  compact:   " + jar + " compact      (what was sent since)");
        out.println("  Athena:    " + jar + " ddl          (a table over the days not compacted yet)");
        out.println("Edit the routes in routes/: the archiver reloads them when a file is saved.");
        out.flush();
    }

    /** Compaction steps nobody follows: the sandbox prints the outcome. */
    private static final CompactionSteps QUIET = new CompactionSteps() {
        @Override
        public void reached(Step step, String topic, LocalDate day) {
        }

        @Override
        public void deleted(String key, int done, int total) {
        }
    };

    /** Prints the progress of the archive, at most once a second and only when something changed. */
    private static final class Watch {
        private final ArchiveMetrics metrics;
        private final DayBatches batches;
        private final PrintWriter out;
        private volatile boolean stopped;
        private Progress printed;
        private long printedAt;

        Watch(RunningArchive archive, PrintWriter out) {
            this.metrics = archive.metrics();
            this.batches = archive.bean("dayBatches", DayBatches.class);
            this.out = out;
        }

        /** Returns false when the sandbox is being stopped before then. */
        boolean untilSettled(TrafficSender sender, CompletableFuture<Duration> sending, long total,
                ArchiveSettings settings) throws InterruptedException, ExecutionException {
            boolean explained = false;
            while (!stopped) {
                if (sending.isCompletedExceptionally()) {
                    sending.get();
                }
                Progress now = now(sender.acknowledged());
                boolean settled = now.settled(total, deadLettered());
                if (settled || changedAWhileAgo(now)) {
                    print(now.line(total));
                    printed = now;
                }
                if (settled) {
                    return true;
                }
                if (!explained && printed != null && printed.sent() == total && now.openBatches() > 0) {
                    print(String.format(Locale.ROOT, "  All sent. Batches below %,d records are written after %,d ms"
                            + " without a new record for them, or %,d ms after their first record at the latest.",
                            settings.flushSize(), settings.quietMs(), settings.maxAgeMs()));
                    explained = true;
                }
                TimeUnit.MILLISECONDS.sleep(TICK_MS);
            }
            return false;
        }

        void forever() throws InterruptedException {
            while (!stopped) {
                Progress now = now(printed.sent());
                if (changedAWhileAgo(now)) {
                    print(now.archiveLine());
                    printed = now;
                }
                TimeUnit.MILLISECONDS.sleep(TICK_MS);
            }
        }

        void stop() {
            stopped = true;
        }

        private boolean changedAWhileAgo(Progress now) {
            return !now.equals(printed) && System.currentTimeMillis() - printedAt >= PRINT_EVERY_MS;
        }

        private Progress now(long sent) {
            return new Progress(sent, metrics.recordsArchived(), metrics.filesWritten(), batches.openBatches(),
                    batches.waitingUploads());
        }

        private long deadLettered() {
            long count = 0;
            for (RejectReason reason : RejectReason.values()) {
                count += metrics.deadLettered(reason);
            }
            return count;
        }

        private void print(String line) {
            if (!stopped) {
                out.println(line);
                out.flush();
                printedAt = System.currentTimeMillis();
            }
        }
    }
}
