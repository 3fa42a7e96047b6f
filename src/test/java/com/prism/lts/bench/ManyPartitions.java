package com.prism.lts.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.KafkaProcess;
import com.prism.lts.testing.Management;
import com.prism.lts.testing.PackagedApplication;
import com.prism.lts.testing.S3Process;
import com.prism.lts.testing.ScriptCommand;
import com.prism.lts.testing.TestSettings;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code ./many-partitions}: one replica of Prism LTS, as the image runs it, on many partitions at once, each with
 * many days open: how much heap it needs, how its commits carry the partitions' states (inline, or spilled to S3),
 * how many files it writes per day and how fast it goes, and what gives first. Two scenarios, each on data preloaded
 * into a broker and archived from the start by a fresh consumer group into a fresh bucket:
 * <ul>
 * <li>{@code partitions}: one topic of many partitions, every partition holding records of every day in turn, so
 * that partitions x days streams are open at once;</li>
 * <li>{@code topics}: several topics matched by a pattern, one of them with settings of its own, their partitions
 * all owned by the one replica.</li>
 * </ul>
 * The shipped settings (the 30 s quiet period too) but for the endpoints; any {@code -Dprism.*} or
 * {@code -Dcamel.*} option is handed to Prism LTS. Prints a line per scenario and writes {@code results.json}.
 */
@Command(name = "./many-partitions", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = {"Runs one replica of Prism LTS (its jar, as the image does) on many partitions, each with"
                + " many days open, and reports heap, commits (states inline or in S3), files per day, records/s and"
                + " what gave first (docs/performance.md)."},
        footer = {"", "Any -Dprism.* or -Dcamel.* setting is handed to Prism LTS:",
            "  ./many-partitions --partitions 300 --days 30 -Dprism.flush.max-open-batches=10000"})
public final class ManyPartitions implements Callable<Integer> {

    static final String PARTITIONS = "partitions";
    static final String TOPICS = "topics";
    private static final LocalDate FIRST_DAY = LocalDate.of(2018, 1, 1);
    private static final Duration PROGRESS = Duration.ofSeconds(10);
    private static final String REPORT_ROUTE_PORT = "camel.server.port";
    /**
     * What the partitions scenario's consumer fetches of one partition at a time: about 80 records, less than one
     * pass through its days, so that each fetch round goes through every partition.
     */
    static final String INTERLEAVED_FETCH_BYTES = "16384";
    /**
     * The partitions scenario's quiet period: long enough that no stream is cut by time while the data is read (a
     * stream's next record comes a fetch round later), so that every stream is open at once until the data ends.
     */
    static final String STREAMS_QUIET_MS = "120000";

    @Spec
    CommandSpec spec;

    @Option(names = "--partitions", descriptionKey = "many.partitions", defaultValue = "1000", paramLabel = "N",
            description = {"Partitions of the topic of the partitions scenario (default: ${DEFAULT-VALUE}).",
                "Or -Dmany.partitions=N."})
    int partitions;

    @Option(names = "--days", descriptionKey = "many.days", defaultValue = "90", paramLabel = "N",
            description = {"Days each of its partitions holds, all open at once (default: ${DEFAULT-VALUE}).",
                "Or -Dmany.days=N."})
    int days;

    @Option(names = "--per-stream", descriptionKey = "many.per-stream", defaultValue = "3", paramLabel = "N",
            description = {"Records of each (partition, day) (default: ${DEFAULT-VALUE}).",
                "Or -Dmany.per-stream=N."})
    int perStream;

    @Option(names = "--topics", descriptionKey = "many.topics", defaultValue = "4", paramLabel = "N",
            description = {"Topics of the topics scenario, matched by one pattern (default: ${DEFAULT-VALUE}).",
                "Or -Dmany.topics=N."})
    int topics;

    @Option(names = "--topic-partitions", descriptionKey = "many.topic-partitions", defaultValue = "75",
            paramLabel = "N", description = {"Partitions of each of them (default: ${DEFAULT-VALUE}).",
                "Or -Dmany.topic-partitions=N."})
    int topicPartitions;

    @Option(names = "--topic-days", descriptionKey = "many.topic-days", defaultValue = "30", paramLabel = "N",
            description = {"Days each of their partitions holds (default: ${DEFAULT-VALUE}).",
                "Or -Dmany.topic-days=N."})
    int topicDays;

    @Option(names = "--topic-per-stream", descriptionKey = "many.topic-per-stream", defaultValue = "33",
            paramLabel = "N", description = {"Records of each of their (partition, day) (default: ${DEFAULT-VALUE}).",
                "Or -Dmany.topic-per-stream=N."})
    int topicPerStream;

    @Option(names = "--runs", descriptionKey = "many.runs", split = ",", paramLabel = "RUN",
            defaultValue = PARTITIONS + "," + TOPICS, description = {"Which scenarios to run, of " + PARTITIONS
                    + ", " + TOPICS + " (default: ${DEFAULT-VALUE}).", "Or -Dmany.runs=RUN,RUN."})
    Set<String> runs;

    @Option(names = "--heap", descriptionKey = "many.heap", defaultValue = "512m", paramLabel = "SIZE",
            description = {"-Xmx of Prism LTS (default: ${DEFAULT-VALUE}).", "Or -Dmany.heap=SIZE."})
    String heap;

    @Option(names = "--dir", descriptionKey = "many.dir", defaultValue = "target/many-partitions", paramLabel = "DIR",
            description = {"Folder for the broker's and the S3 server's files, the logs and results.json; emptied"
                    + " first (default: ${DEFAULT-VALUE}).", "Or -Dmany.dir=DIR."})
    Path directory;

    @Option(names = "--timeout-s", descriptionKey = "many.timeout-s", defaultValue = "1800", paramLabel = "SECONDS",
            description = {"A scenario not archived by then is reported as such (default: ${DEFAULT-VALUE}).",
                "Or -Dmany.timeout-s=SECONDS."})
    long timeoutSeconds;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(ScriptCommand.execute(new ManyPartitions(), args));
    }

    /** One scenario's figures; {@code outcome} says whether everything was archived, or what gave. */
    record Outcome(String scenario, int partitions, long streams, long records, String outcome, double seconds,
            double readAllSeconds, double recordsPerSecond, double cpuSeconds, long peakHeapBytes, long heapAfterGcBytes, long peakRssBytes,
            long files, long days, double filesPerStream, long archived, long mostOpenBatches, long commits,
            long statesInline, long statesInS3, long largestMetadataChars) {
    }

    @Override
    public Integer call() {
        require(partitions >= 1 && days >= 1 && perStream >= 1 && topics >= 1 && topicPartitions >= 1
                && topicDays >= 1 && topicPerStream >= 1, "every count must be 1 or more");
        Set<String> unknown = new TreeSet<>(runs);
        unknown.removeAll(Set.of(PARTITIONS, TOPICS));
        require(unknown.isEmpty(), "--runs names no scenario " + unknown + ": choose from " + PARTITIONS + ", "
                + TOPICS);
        Path folder = directory.toAbsolutePath();
        Benchmark.deleteRecursively(folder);
        Map<String, Object> machine = Machine.describe();
        out.println("Prism LTS on many partitions, " + machine);
        List<Outcome> outcomes = new ArrayList<>();
        try (KafkaProcess kafka = KafkaProcess.start(folder.resolve("kafka"));
                S3Process s3 = S3Process.start(folder.resolve("s3"))) {
            Path schemas = folder.resolve("schemas");
            Events.publishSchema(schemas, Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
            PackagedApplication application = PackagedApplication.prepare(folder);
            Run run = new Run(kafka, s3, schemas, application, folder);
            if (runs.contains(PARTITIONS)) {
                Dataset wide = Dataset.preload(kafka, "wide", partitions, (long) partitions * days * perStream,
                        i -> event(i, partitions, days), out);
                outcomes.add(run.measure(PARTITIONS, List.of(wide), (long) partitions * days, Map.of(
                        "prism.topics", "wide",
                        // every partition read a little at a time, round the partitions, so that all of its days
                        // are open at once: as a live stream on all partitions, or a backlog larger than a fetch
                        "camel.component.kafka.max-partition-fetch-bytes", INTERLEAVED_FETCH_BYTES,
                        "prism.flush.quiet-ms", STREAMS_QUIET_MS)));
            }
            if (runs.contains(TOPICS)) {
                List<Dataset> data = new ArrayList<>();
                for (int t = 1; t <= topics; t++) {
                    data.add(Dataset.preload(kafka, "many-" + t, topicPartitions,
                            (long) topicPartitions * topicDays * topicPerStream,
                            i -> event(i, topicPartitions, topicDays), out));
                }
                // one topic files by rules of its own: another field (the same day here) and another flush size
                outcomes.add(run.measure(TOPICS, data, (long) topics * topicPartitions * topicDays, Map.of(
                        "prism.topics", "many-.*", "prism.topics.is-pattern", "true",
                        "prism.topic.many-1.metric-date.field", "occurred_at",
                        "prism.topic.many-1.flush.size", "100")));
            }
        }
        Path results = folder.resolve("results.json");
        write(results, machine, outcomes);
        out.println();
        outcomes.forEach(outcome -> out.println(line(outcome)));
        out.println("Results written to " + results);
        return outcomes.stream().allMatch(o -> o.outcome().startsWith("archived")) ? 0 : 1;
    }

    /**
     * The {@code i}-th record of a topic of {@code partitions} partitions and {@code days} days: partition
     * {@code i % partitions}, as {@link Dataset} sends it, and each partition's records go through the days in turn,
     * so that every (partition, day) is open until the data ends.
     */
    private static GenericRecord event(long i, int partitions, int days) {
        int day = (int) ((i / partitions) % days);
        return new DemoEvents(FIRST_DAY.plusDays(day), 1, day + 1).event(i);
    }

    /** Runs Prism LTS on preloaded data until everything is committed, it exits, or the time is up. */
    private final class Run {
        private final KafkaProcess kafka;
        private final S3Process s3;
        private final Path schemas;
        private final PackagedApplication application;
        private final Path folder;

        Run(KafkaProcess kafka, S3Process s3, Path schemas, PackagedApplication application, Path folder) {
            this.kafka = kafka;
            this.s3 = s3;
            this.schemas = schemas;
            this.application = application;
            this.folder = folder;
        }

        Outcome measure(String scenario, List<Dataset> data, long streams, Map<String, String> tuning) {
            long records = data.stream().mapToLong(Dataset::records).sum();
            int partitionCount = data.stream().mapToInt(d -> d.endOffsets().size()).sum();
            out.printf("%n[%s] %,d records, %,d partitions of %d topic(s), %,d (partition, day) streams, -Xmx%s%n",
                    scenario, records, partitionCount, data.size(), streams, heap);
            String bucket = "many-" + scenario;
            String group = "many-" + scenario;
            s3.createBucket(bucket);
            Map<String, String> settings = TestSettings.of(kafka, s3, schemas, "");
            settings.remove("prism.flush.quiet-ms");
            settings.putAll(tuning);
            settings.put("prism.s3.bucket", bucket);
            settings.put("prism.kafka.group-id", group);
            int managementPort = Management.freePort();
            settings.put("camel.management.port", Integer.toString(managementPort));
            int reportPort = KafkaProcess.freePort();
            settings.put("camel.server.enabled", "true");
            settings.put("camel.server.host", "127.0.0.1");
            settings.put(REPORT_ROUTE_PORT, Integer.toString(reportPort));
            settings.put("camel.main.routes-include-pattern", "file:routes/*.yaml,file:routes/*.java,file:"
                    + Benchmark.reportRoute(folder));
            System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("prism.") || name.startsWith("camel."))
                    .forEach(name -> settings.put(name, System.getProperty(name)));
            Path gcLog = folder.resolve(scenario + ".gc.log");
            Benchmark.PrismInsight insight = new Benchmark.PrismInsight(reportPort);
            Management management = new Management(managementPort);
            long started = System.nanoTime();
            String outcome = null;
            long largestMetadata = 0;
            double readAll = -1;
            JvmUsage usage = null;
            long mostOpen = -1;
            double[] commitCounts = {0, 0, 0};
            try (ArchiveProcess prism = ArchiveProcess.startPackaged(application, List.of("-Xmx" + heap,
                    "-XX:+ExitOnOutOfMemoryError", JvmUsage.gcLogOption(gcLog)), settings,
                    folder.resolve(scenario + ".log"));
                    Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                long nextProgress = started;
                while (outcome == null) {
                    Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
                    long done = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
                    largestMetadata = Math.max(largestMetadata, committed.values().stream()
                            .mapToLong(o -> o.metadata() == null ? 0 : o.metadata().length()).max().orElse(0));
                    double seconds = (System.nanoTime() - started) / 1e9;
                    if (readAll < 0 && insight.allRead(records)) {
                        readAll = seconds;
                        out.printf("[%s] %6.0f s  every record read: each is in S3 or in an open batch%n", scenario,
                                seconds);
                    }
                    if (done == records) {
                        outcome = "archived everything";
                    } else if (!prism.isAlive()) {
                        outcome = String.format("exited after %.0f s with %,d of %,d records committed: %s", seconds,
                                done, records, lastError(prism.log()));
                    } else if (seconds > timeoutSeconds) {
                        outcome = String.format("not done after %.0f s: %,d of %,d records committed", seconds,
                                done, records);
                    } else if (System.nanoTime() - nextProgress >= 0) {
                        out.printf("[%s] %6.0f s  %,9d of %,d committed; %s; states committed now: %s%n", scenario,
                                seconds, done, records, open(insight), states(committed));
                        nextProgress = System.nanoTime() + PROGRESS.toNanos();
                    }
                    S3Process.sleep(Duration.ofSeconds(1));
                }
                if (prism.isAlive()) {
                    usage = JvmUsage.ofRunning(prism.handle());
                    mostOpen = insight.mostOpen().batches();
                    commitCounts = new double[] {management.metric("prism_commits_total", Map.of()),
                            management.metric("prism_commit_states_total", Map.of("where", "inline")),
                            management.metric("prism_commit_states_total", Map.of("where", "s3"))};
                    prism.terminate();
                }
            } catch (Exception e) {
                throw new IllegalStateException(scenario + " could not be measured", e);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            usage = (usage == null ? new JvmUsage(0, Map.of(), 0, 0, 0) : usage).heap(gcLog);
            List<S3Object> files = s3.objects(bucket, "").stream().filter(o -> !o.key().contains("/_prism/"))
                    .toList();
            long dayFolders = MeasuredRun.days(files.stream().map(S3Object::key).toList());
            Outcome result = new Outcome(scenario, partitionCount, streams, records, outcome, seconds, readAll,
                    records / readAll, usage.cpuSeconds(), usage.peakHeapBytes(), usage.heapAfterGcBytes(),
                    usage.peakRssBytes(), files.size(), dayFolders, files.size() / (double) streams,
                    archived(bucket, files), mostOpen,
                    (long) commitCounts[0], (long) commitCounts[1], (long) commitCounts[2], largestMetadata);
            out.println(line(result));
            return result;
        }

        /** The records the files hold, from their metadata. */
        private long archived(String bucket, List<S3Object> files) {
            ExecutorService threads = Executors.newFixedThreadPool(16);
            try {
                List<Future<Long>> counts = files.stream().map(file -> threads.submit(() -> Long.parseLong(
                        s3.metadata(bucket, file.key()).get(AvroBatchWriter.META_RECORD_COUNT)))).toList();
                long sum = 0;
                for (Future<Long> count : counts) {
                    sum += count.get();
                }
                return sum;
            } catch (Exception e) {
                throw new IllegalStateException("could not count the archived records", e);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = new LinkedHashMap<>(admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get());
        committed.values().removeIf(Objects::isNull);
        return committed;
    }

    /** How many partitions' committed states are inline, and how many name an S3 object. */
    private static String states(Map<TopicPartition, OffsetAndMetadata> committed) {
        long inS3 = committed.values().stream().filter(o -> o.metadata() != null
                && o.metadata().startsWith("prism1:s3:")).count();
        return String.format("%,d inline, %,d in S3", committed.size() - inS3, inS3);
    }

    private static String open(Benchmark.PrismInsight insight) {
        try {
            Benchmark.PrismReport report = Benchmark.PrismReport.parse(insight.ask());
            return String.format("%,d archived, %,d in open batches, %,d batches waiting", report.archived(),
                    report.open(), report.waiting());
        } catch (IOException | RuntimeException e) {
            return "not answering";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last line of the log that says what went wrong, or its last line. */
    private static String lastError(String log) {
        List<String> lines = log.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains("OutOfMemoryError") || lines.get(i).contains(" ERROR ")) {
                return lines.get(i).trim();
            }
        }
        return lines.isEmpty() ? "(no log)" : lines.get(lines.size() - 1).trim();
    }

    static String line(Outcome o) {
        return String.format("[%s] %s: %,d records, %,d partitions, %,d streams in %.0f s, every record read after"
                + " %.0f s (%,.0f records/s), CPU %.0f s;"
                + " heap peak %d MB, after GC %d MB; peak RSS %d MB; %,d files under %,d days (%.2f per stream),"
                + " %,d records in them; most batches open %,d; %,d commits carrying %,d states inline and"
                + " %,d in S3; largest commit metadata %,d characters", o.scenario(), o.outcome(), o.records(),
                o.partitions(), o.streams(), o.seconds(), o.readAllSeconds(), o.recordsPerSecond(), o.cpuSeconds(),
                o.peakHeapBytes() >> 20, o.heapAfterGcBytes() >> 20, o.peakRssBytes() >> 20, o.files(), o.days(),
                o.filesPerStream(), o.archived(), o.mostOpenBatches(), o.commits(), o.statesInline(), o.statesInS3(),
                o.largestMetadataChars());
    }

    private void write(Path file, Map<String, Object> machine, List<Outcome> outcomes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Instant.now().toString());
        json.put("machine", machine);
        json.put("heap", heap);
        json.put("settings", System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("prism.") || name.startsWith("camel.")).sorted()
                .map(name -> name + "=" + System.getProperty(name)).toList());
        json.put("results", outcomes);
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void require(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
