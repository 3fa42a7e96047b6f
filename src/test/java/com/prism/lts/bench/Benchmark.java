package com.prism.lts.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.prism.lts.bench.MeasuredRun.Insight;
import com.prism.lts.bench.MeasuredRun.MostOpen;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.S3Process;
import com.prism.lts.testing.KafkaProcess;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.PackagedApplication;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.JavaProcess;
import com.prism.lts.testing.KafkaBroker;
import com.prism.lts.testing.S3Server;
import com.prism.lts.testing.ScriptCommand;
import com.prism.lts.testing.TestSettings;

/**
 * How fast Prism LTS archives, next to the limits of the machine it runs on. A Kafka broker and an S3 server start,
 * each in a JVM of its own; a data set is preloaded; then, one after the other on the same data, each in a JVM of its
 * own with the same heap and a fresh consumer group and bucket: the read limit ({@link ReadLimit}), the hand-written
 * limit ({@link HandWrittenArchiver}) and Prism LTS itself ({@code prism-lts run} with the shipped route and
 * settings), as many rounds as asked ({@code --repeat}), alternating. A second scenario, history at once, gives
 * Prism LTS ten years of days in random order in one partition and a 256 MB heap, with the shipped quiet period.
 * Prints a table as it goes and writes {@code results.json}.
 * <p>
 * Its options are those of {@link BenchmarkCommand} ({@code ./benchmark --help}). Any {@code prism.*} or
 * {@code camel.*} system property is handed to every contestant, to compare settings
 * ({@code -Dprism.avro.codec=snappy}).
 */
public final class Benchmark {

    static final String TOPIC = "ac-user-event";
    static final int PARTITIONS = 6;
    static final int DAYS = 30;
    static final String HISTORY_TOPIC = "history";
    static final int HISTORY_DAYS = 3650;
    static final String HISTORY_HEAP = "256m";
    /** Above the 3,650 days of the history, so that the byte bound alone decides which batch goes early. */
    static final String HISTORY_MAX_OPEN_BATCHES = "4000";
    /**
     * In the interleaved scenario, every contestant flushes a (partition, day) that stopped growing after this long,
     * so that the last partial batches do not wait the shipped 30 s: that wait would be the same for everyone and hide
     * the difference.
     */
    static final String QUIET_MS = "1000";
    /**
     * The history scenario keeps the shipped quiet period: there, each of 3,650 days gets a record only every 3,650
     * records or so, and a short quiet period cuts a day's batch whenever the archiver is slower than that for a
     * moment, which makes more, smaller files than a user with the shipped settings gets.
     */
    static final String SHIPPED_QUIET_MS = SettingDefaults.builtIn().getProperty("prism.flush.quiet-ms");

    static final String INTERLEAVED = DAYS + " days interleaved, " + PARTITIONS + " partitions";
    static final String HISTORY = "history at once: " + HISTORY_DAYS + " days in random order, 1 partition, "
            + HISTORY_HEAP + " heap";

    static final String READ_LIMIT = "read limit";
    static final String HAND_WRITTEN = "hand-written";
    static final String PRISM = "Prism LTS";

    private static final String REPORT_PATH = "/bench/day-batches";

    /** What to run, and where. */
    record Options(long records, long historyRecords, String heap, Path directory, boolean profile, Duration timeout,
            Set<String> runs, int repeat) {

        static final Set<String> ALL_RUNS = Set.of("read-limit", "hand-written", "prism", "history");
    }

    /** Every result of one benchmark run, and where they were written. */
    record Report(List<Result> results, Path file) {

        /** The result of {@code run} in the first round of {@code scenario}. */
        Result result(String run, String scenario) {
            return results.stream().filter(r -> r.run().equals(run) && r.scenario().equals(scenario)).findFirst()
                    .orElseThrow();
        }

        /** The interleaved scenario over its rounds: spreads, and Prism LTS's ratios to the others. */
        Rounds interleaved() {
            return Rounds.of(results, INTERLEAVED);
        }

        /**
         * Prism LTS / another contestant on the same data, the mean over the rounds; empty when either did not run.
         */
        Optional<Ratios> prismTo(String run) {
            return interleaved().prismTo(run).map(c -> new Ratios(c.recordsPerSecond().mean(),
                    c.cpuPerRecord().mean()));
        }
    }

    private final Options options;
    private final PrintStream out;
    private final Path directory;

    private Benchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.directory = options.directory().toAbsolutePath();
    }

    public static void main(String[] args) {
        System.exit(ScriptCommand.execute(new BenchmarkCommand(), args));
    }

    static Report run(Options options, PrintStream out) {
        return new Benchmark(options, out).run();
    }

    private Report run() {
        deleteRecursively(directory);
        Map<String, Object> machine = Machine.describe();
        out.println("Prism LTS benchmark, " + machine);
        List<Result> results = new ArrayList<>();
        try (KafkaProcess kafka = KafkaProcess.start(directory.resolve("kafka"));
                S3Process s3 = S3Process.start(directory.resolve("s3"))) {
            out.println("Kafka broker at " + kafka.bootstrapServers() + ", S3 server at " + s3.endpoint()
                    + ", each in its own JVM");
            s3.warmUp((int) Math.max(100, options.records() / 250), out);
            Path schemas = directory.resolve("schemas");
            Events.publishSchema(schemas, Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
            MeasuredRun runs = new MeasuredRun(kafka, kafka.handle(), s3, s3.handle(), options.timeout(), out);
            Contestants contestants = new Contestants(kafka, s3, schemas);

            if (!Collections.disjoint(options.runs(), Set.of("read-limit", "hand-written", "prism"))) {
                Dataset events = Dataset.preload(kafka, TOPIC, PARTITIONS, options.records(),
                        new DemoEvents(LocalDate.of(2018, 1, 1), DAYS, 1), out);
                Map<String, String> quiet = Map.of("prism.flush.quiet-ms", QUIET_MS);
                for (int round = 1; round <= options.repeat(); round++) {
                    if (options.repeat() > 1) {
                        out.printf("%nRound %d of %d%n", round, options.repeat());
                    }
                    if (options.runs().contains("read-limit")) {
                        results.add(contestants.readLimit(runs, round, INTERLEAVED, events, quiet));
                    }
                    if (options.runs().contains("hand-written")) {
                        results.add(contestants.handWritten(runs, round, INTERLEAVED, events, quiet));
                    }
                    if (options.runs().contains("prism")) {
                        results.add(contestants.prism(runs, round, INTERLEAVED, events, options.heap(), quiet));
                    }
                }
            }
            if (options.runs().contains("history")) {
                Dataset years = Dataset.preload(kafka, HISTORY_TOPIC, 1, options.historyRecords(),
                        new DemoEvents(LocalDate.of(2009, 1, 1), HISTORY_DAYS, 2), out);
                out.printf("  history keeps the shipped prism.flush.quiet-ms=%s: the last batch of each day is"
                        + " written that long after its last record, and the run ends when it is committed%n",
                        SHIPPED_QUIET_MS);
                results.add(contestants.prism(runs, 1, HISTORY, years, HISTORY_HEAP,
                        Map.of("prism.flush.max-open-batches", HISTORY_MAX_OPEN_BATCHES,
                                "prism.flush.quiet-ms", SHIPPED_QUIET_MS)));
            }
        }
        Report report = report(machine, results);
        out.println();
        out.print(ResultTable.format(report));
        out.println("Results written to " + report.file());
        return report;
    }

    /** The three contestants, each launched in a JVM of its own with the same heap and the same settings. */
    private final class Contestants {
        private final KafkaBroker kafka;
        private final S3Server s3;
        private final Path schemas;
        private PackagedApplication packaged;

        Contestants(KafkaBroker kafka, S3Server s3, Path schemas) {
            this.kafka = kafka;
            this.s3 = s3;
            this.schemas = schemas;
        }

        Result readLimit(MeasuredRun runs, int round, String scenario, Dataset data, Map<String, String> tuning) {
            return baseline(runs, READ_LIMIT, round, ReadLimit.class, scenario, data, null, tuning);
        }

        Result handWritten(MeasuredRun runs, int round, String scenario, Dataset data, Map<String, String> tuning) {
            return baseline(runs, HAND_WRITTEN, round, HandWrittenArchiver.class, scenario, data,
                    bucket(HAND_WRITTEN, data.topic(), round), tuning);
        }

        private Result baseline(MeasuredRun runs, String run, int round, Class<?> main, String scenario,
                Dataset data, String bucket, Map<String, String> tuning) {
            Map<String, String> settings = settings(run, round, data, bucket);
            settings.putAll(tuning);
            return measure(runs, run, round, scenario, data, bucket, settings, options.heap(),
                    jvmOptions -> JavaProcess.start(jvmOptions, settings, main.getName(), List.of(),
                            file(run, round, data, "log")),
                    Insight.NONE);
        }

        /**
         * Prism LTS as it ships, started as the image starts it (its jar, with the class-data archive the image's
         * build writes), with one route added beside the archive route: it answers over HTTP how many batches were
         * open at most, which nothing else in the application tells yet, and whether it has read every record.
         */
        Result prism(MeasuredRun runs, int round, String scenario, Dataset data, String heap,
                Map<String, String> tuning) {
            String bucket = bucket(PRISM, data.topic(), round);
            Map<String, String> settings = settings(PRISM, round, data, bucket);
            settings.putAll(tuning);
            int reportPort = KafkaProcess.freePort();
            settings.put("camel.server.enabled", "true");
            settings.put("camel.server.host", "127.0.0.1");
            settings.put("camel.server.port", Integer.toString(reportPort));
            settings.put("camel.main.routes-include-pattern", "file:routes/*.yaml,file:routes/*.java,file:"
                    + reportRoute(directory));
            PackagedApplication application = packaged();
            return measure(runs, PRISM, round, scenario, data, bucket, settings, heap,
                    jvmOptions -> ArchiveProcess.startPackaged(application, jvmOptions, settings,
                            file(PRISM, round, data, "log")),
                    new PrismInsight(reportPort));
        }

        private PackagedApplication packaged() {
            if (packaged == null) {
                out.println("Prism LTS: writing the class-data archive of target/prism-lts.jar, as the image's build"
                        + " does (scripts/class-data-archive)");
                packaged = PackagedApplication.prepare(directory);
            }
            return packaged;
        }

        /** Measures one contestant's JVM, with a GC log, and a flight recording when profiling. */
        private Result measure(MeasuredRun runs, String run, int round, String scenario, Dataset data,
                String bucket, Map<String, String> settings, String heap,
                Function<List<String>, JavaProcess> launch, Insight insight) {
            // settings given to the benchmark itself win over all: how to compare a codec or a tuning
            System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("prism.") || name.startsWith("camel."))
                    .forEach(name -> settings.put(name, System.getProperty(name)));
            Path gcLog = file(run, round, data, "gc.log");
            List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + heap, JvmUsage.gcLogOption(gcLog)));
            Path recording = file(run, round, data, "jfr");
            if (options.profile()) {
                jvmOptions.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording);
            }
            Result result = runs.measure(run, round, scenario, data, settings.get("prism.kafka.group-id"), bucket,
                    Long.parseLong(settings.get("prism.flush.quiet-ms")), gcLog, () -> launch.apply(jvmOptions),
                    insight);
            if (options.profile()) {
                out.print(JfrSummary.summarize(recording, 25));
            }
            return result;
        }

        /** Each contestant's own consumer group, fresh in each round; the quiet period comes with the scenario. */
        private Map<String, String> settings(String run, int round, Dataset data, String bucket) {
            Map<String, String> settings = TestSettings.of(kafka, s3, schemas, data.topic());
            settings.put("prism.kafka.group-id", "bench-" + slug(run) + "-" + data.topic() + roundSuffix(round));
            settings.remove("prism.flush.quiet-ms");
            if (bucket != null) {
                s3.createBucket(bucket);
                settings.put("prism.s3.bucket", bucket);
            }
            return settings;
        }
    }

    private Path file(String run, int round, Dataset data, String extension) {
        return directory.resolve(slug(run) + "-" + data.topic() + roundSuffix(round) + "." + extension);
    }

    /**
     * A route added beside the shipped ones, written under {@code directory}, that answers over HTTP on
     * {@code camel.server.port} what {@link PrismReport} reads.
     */
    static Path reportRoute(Path directory) {
        Path route = directory.resolve("routes").resolve("bench-report.yaml");
        try {
            Files.createDirectories(route.getParent());
            Files.writeString(route, """
                    # Added by the benchmark beside the shipped routes: the most batches (and event bytes) open at
                    # once, and what tells when every record has been read (in S3 or in an open batch)
                    - route:
                        id: bench-report
                        from:
                          uri: "platform-http:%s"
                          steps:
                            - setBody:
                                # records archived first: a record counted there can no longer be in an open batch
                                simple: >-
                                  ${bean:dayBatches?method=mostOpenBatches} ${bean:dayBatches?method=mostOpenBytes}
                                  ${bean:archiveMetrics?method=recordsArchived} ${bean:dayBatches?method=openRecords}
                                  ${bean:dayBatches?method=waitingUploads}
                    """.formatted(REPORT_PATH));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return route;
    }

    /** What Prism LTS tells through the benchmark's {@code bench-report} route. */
    static final class PrismInsight implements Insight {
        private final HttpClient http = HttpClient.newHttpClient();
        private final URI report;

        PrismInsight(int port) {
            this.report = URI.create("http://127.0.0.1:" + port + REPORT_PATH);
        }

        @Override
        public boolean tellsReading() {
            return true;
        }

        @Override
        public boolean allRead(long records) {
            try {
                return PrismReport.parse(ask()).allRead(records);
            } catch (IOException | RuntimeException e) {
                return false; // not started yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public MostOpen mostOpen() {
            try {
                PrismReport answer = PrismReport.parse(ask());
                return new MostOpen(answer.mostOpenBatches(), answer.mostOpenBytes());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("Prism LTS did not say how many batches it held open", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        String ask() throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(report).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /**
     * The answer of the {@code bench-report} route: the most batches and event bytes open at once, the records in
     * S3, the records in open batches and the finished batches waiting for their upload, in that order.
     */
    record PrismReport(long mostOpenBatches, long mostOpenBytes, long archived, long open, long waiting) {

        static PrismReport parse(String body) {
            String[] numbers = body.trim().split("\\s+");
            if (numbers.length != 5) {
                throw new IllegalArgumentException("not a bench-report answer: " + body);
            }
            return new PrismReport(Long.parseLong(numbers[0]), Long.parseLong(numbers[1]),
                    Long.parseLong(numbers[2]), Long.parseLong(numbers[3]), Long.parseLong(numbers[4]));
        }

        /**
         * Every one of {@code records} has been read, and each is in S3 or in an open batch: what is left is waiting
         * for quiet periods, then uploads and commits.
         */
        boolean allRead(long records) {
            return archived + open == records && waiting == 0;
        }
    }

    private Report report(Map<String, Object> machine, List<Result> results) {
        Report report = new Report(results, directory.resolve("results.json"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().toString());
        json.put("machine", machine);
        json.put("options", options.toString());
        Rounds interleaved = report.interleaved();
        json.put("rounds", interleaved.count());
        // means over the rounds: records/s, then CPU seconds per record, of Prism LTS over the other contestant
        json.put("prismToHandWritten", report.prismTo(HAND_WRITTEN).map(Ratios::recordsPerSecond).orElse(null));
        json.put("prismToReadLimit", report.prismTo(READ_LIMIT).map(Ratios::recordsPerSecond).orElse(null));
        json.put("prismToHandWrittenCpu", report.prismTo(HAND_WRITTEN).map(Ratios::cpuPerRecord).orElse(null));
        json.put("prismToReadLimitCpu", report.prismTo(READ_LIMIT).map(Ratios::cpuPerRecord).orElse(null));
        json.put("interleaved", interleaved);
        json.put("results", results);
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.file().toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return report;
    }

    /** Where {@code run} archives {@code topic} in the first round: a bucket of its own, made fresh for it. */
    static String bucket(String run, String topic) {
        return bucket(run, topic, 1);
    }

    /** Where {@code run} archives {@code topic} in {@code round}: a bucket of its own, made fresh for it. */
    static String bucket(String run, String topic, int round) {
        return "bench-" + slug(run) + "-" + topic + roundSuffix(round);
    }

    /** Nothing for the first round, so that a run without repeats names everything as before; "-2" for the second. */
    private static String roundSuffix(int round) {
        return round == 1 ? "" : "-" + round;
    }

    private static String slug(String run) {
        return run.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }

    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
