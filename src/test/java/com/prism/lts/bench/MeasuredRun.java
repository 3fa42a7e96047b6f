package com.prism.lts.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.prism.lts.testing.S3Process;
import com.prism.lts.testing.JavaProcess;
import com.prism.lts.testing.KafkaBroker;
import com.prism.lts.testing.S3Server;
import com.prism.lts.write.AvroBatchWriter;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Measures one contestant: launches its JVM, watches its consumer group's committed offsets on the broker until every
 * record of the data set is committed (and, for a contestant that tells, when it has read every record), reads the
 * JVM's CPU time and peak RSS, asks it what it can tell, stops it, and counts what it left in S3 and under how many
 * days.
 */
final class MeasuredRun {

    private static final Duration CHECK = Duration.ofMillis(100);
    private static final Duration PROGRESS = Duration.ofSeconds(2);
    /** How often a contestant that tells is asked whether it has read every record. */
    private static final Duration ASK = Duration.ofMillis(500);
    /** The day folders of an archive file's key: {@code year=2018/month=01/day=04/}. */
    private static final Pattern DAY_FOLDER = Pattern.compile("year=(\\d+)/month=(\\d+)/day=(\\d+)/");

    private final KafkaBroker kafka;
    private final S3Server s3;
    private final ProcessHandle broker;
    private final ProcessHandle s3Server;
    private final Duration timeout;
    private final PrintStream out;

    /** The most batches, and event bytes in them, that a contestant held open at once. */
    record MostOpen(long batches, long bytes) {
        /** For a contestant that does not tell. */
        static final MostOpen UNKNOWN = new MostOpen(-1, -1);
    }

    /** What a contestant tells about itself while it runs. The baselines tell nothing ({@link #NONE}). */
    interface Insight {

        Insight NONE = new Insight() {
            @Override
            public boolean tellsReading() {
                return false;
            }

            @Override
            public boolean allRead(long records) {
                throw new UnsupportedOperationException();
            }

            @Override
            public MostOpen mostOpen() {
                return MostOpen.UNKNOWN;
            }
        };

        /** Whether {@link #allRead} may be asked. */
        boolean tellsReading();

        /**
         * Whether every one of {@code records} has been read and is in S3 or in an open batch; false also when the
         * contestant does not answer yet.
         */
        boolean allRead(long records);

        /** Asked once every record is committed, before the contestant is stopped. */
        MostOpen mostOpen();
    }

    /**
     * @param broker   the broker's process, whose CPU time serving the contestant is counted
     * @param s3Server the S3 server's process, likewise
     */
    MeasuredRun(KafkaBroker kafka, ProcessHandle broker, S3Server s3, ProcessHandle s3Server, Duration timeout,
            PrintStream out) {
        this.kafka = kafka;
        this.s3 = s3;
        this.broker = broker;
        this.s3Server = s3Server;
        this.timeout = timeout;
        this.out = out;
    }

    /**
     * @param round   the scenario's round, from 1
     * @param bucket  where the contestant writes, {@code null} for one that writes nothing
     * @param quietMs the contestant's quiet period, reported with its result
     * @param insight what the contestant tells about itself
     */
    Result measure(String run, int round, String scenario, Dataset data, String group, String bucket, long quietMs,
            Path gcLog, Supplier<JavaProcess> launch, Insight insight) {
        out.printf("%n[%s] %s: %,d records of %s%n", run, scenario, data.records(), data.topic());
        long started = System.nanoTime();
        long allReadAt = -1;
        boolean tells = insight.tellsReading();
        double brokerCpuBefore = JvmUsage.cpuSeconds(broker);
        double s3CpuBefore = JvmUsage.cpuSeconds(s3Server);
        JavaProcess process = launch.get();
        try {
            long nextProgress = started + PROGRESS.toNanos();
            long nextAsk = started + ASK.toNanos();
            while (true) {
                Map<Integer, Long> committed = kafka.committed(group, data.topic());
                long now = System.nanoTime();
                if (data.allCommitted(committed)) {
                    break;
                }
                if (tells && allReadAt < 0 && now - nextAsk >= 0) {
                    if (insight.allRead(data.records())) {
                        allReadAt = now;
                        out.printf("[%s] %5.1f s  every record read: each is in S3 or in an open batch%n", run,
                                (now - started) / 1e9);
                    }
                    nextAsk = now + ASK.toNanos();
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(run + " exited before it was done; its log:\n" + process.log());
                }
                if (now - started > timeout.toNanos()) {
                    throw new IllegalStateException(run + " did not commit every record within " + timeout
                            + "; committed " + committed + "; its log ends:\n" + tail(process.log()));
                }
                if (now - nextProgress >= 0) {
                    long done = data.committedRecords(committed);
                    double seconds = (now - started) / 1e9;
                    out.printf("[%s] %5.1f s  %,11d of %,d committed  %,9.0f records/s%n", run, seconds, done,
                            data.records(), done / seconds);
                    nextProgress = now + PROGRESS.toNanos();
                }
                S3Process.sleep(CHECK);
            }
            long finished = System.nanoTime();
            double seconds = (finished - started) / 1e9;
            double readAllSeconds = !tells ? -1 : ((allReadAt < 0 ? finished : allReadAt) - started) / 1e9;
            JvmUsage usage = JvmUsage.ofRunning(process.handle());
            double brokerCpu = JvmUsage.cpuSeconds(broker) - brokerCpuBefore;
            double s3Cpu = JvmUsage.cpuSeconds(s3Server) - s3CpuBefore;
            MostOpen open = insight.mostOpen();
            process.terminate();
            usage = usage.heap(gcLog);
            long files = 0;
            long archived = 0;
            long days = 0;
            if (bucket != null) {
                List<S3Object> objects = s3.objects(bucket, "");
                files = objects.size();
                days = days(objects.stream().map(S3Object::key).toList());
                archived = sum(objects, object -> Long.parseLong(s3.metadata(bucket, object.key())
                        .get(AvroBatchWriter.META_RECORD_COUNT)));
            }
            out.printf("[%s] done: every record committed after %.1f s, %,d files under %,d days; CPU seconds by"
                    + " thread: %s%n", run, seconds, files, days, usage.cpuByThreads().entrySet().stream()
                            .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).toList());
            return new Result(run, scenario, data.records(), data.valueBytes(), seconds,
                    usage.cpuSeconds(), usage.cpuByThreads(), brokerCpu, s3Cpu, usage.peakHeapBytes(),
                    usage.heapAfterGcBytes(), usage.peakRssBytes(),
                    files, archived, open.batches(), open.bytes(), round, days, quietMs, readAllSeconds);
        } finally {
            process.close();
        }
    }

    /** How many days the archive files with these keys are filed under (their day folders). */
    static long days(Collection<String> keys) {
        return keys.stream().map(DAY_FOLDER::matcher).filter(Matcher::find).map(Matcher::group).distinct().count();
    }

    /** Reads the record counts of many objects over several connections: HEAD requests one by one take long. */
    private static long sum(List<S3Object> objects, ToLongFunction<S3Object> count) {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> counts = objects.stream().map(o -> threads.submit(() -> count.applyAsLong(o)))
                    .toList();
            long sum = 0;
            for (Future<Long> c : counts) {
                sum += c.get();
            }
            return sum;
        } catch (Exception e) {
            throw new IllegalStateException("could not count the archived records", e);
        } finally {
            threads.shutdownNow();
        }
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 5000));
    }
}
