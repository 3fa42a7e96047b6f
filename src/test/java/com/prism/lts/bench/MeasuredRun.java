package com.prism.lts.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import com.prism.lts.testing.S3Process;
import com.prism.lts.testing.JavaProcess;
import com.prism.lts.testing.KafkaBroker;
import com.prism.lts.testing.S3Server;
import com.prism.lts.write.AvroBatchWriter;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Measures one contestant: launches its JVM, watches its consumer group's committed offsets on the broker until every
 * record of the data set is committed, reads the JVM's CPU time and peak RSS, asks it what it can tell, stops it, and
 * counts what it left in S3.
 */
final class MeasuredRun {

    private static final Duration CHECK = Duration.ofMillis(100);
    private static final Duration PROGRESS = Duration.ofSeconds(2);

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
     * @param bucket where the contestant writes, {@code null} for one that writes nothing
     * @param mostOpen asked once every record is committed, before the contestant is stopped
     */
    Result measure(String run, String scenario, Dataset data, String group, String bucket, Path gcLog,
            Supplier<JavaProcess> launch, Function<JavaProcess, MostOpen> mostOpen) {
        out.printf("%n[%s] %s: %,d records of %s%n", run, scenario, data.records(), data.topic());
        long started = System.nanoTime();
        double brokerCpuBefore = JvmUsage.cpuSeconds(broker);
        double s3CpuBefore = JvmUsage.cpuSeconds(s3Server);
        JavaProcess process = launch.get();
        try {
            long nextProgress = started + PROGRESS.toNanos();
            while (true) {
                Map<Integer, Long> committed = kafka.committed(group, data.topic());
                long now = System.nanoTime();
                if (data.allCommitted(committed)) {
                    break;
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
            double seconds = (System.nanoTime() - started) / 1e9;
            JvmUsage usage = JvmUsage.ofRunning(process.handle());
            double brokerCpu = JvmUsage.cpuSeconds(broker) - brokerCpuBefore;
            double s3Cpu = JvmUsage.cpuSeconds(s3Server) - s3CpuBefore;
            MostOpen open = mostOpen.apply(process);
            process.terminate();
            usage = usage.heap(gcLog);
            long files = 0;
            long archived = 0;
            if (bucket != null) {
                List<S3Object> objects = s3.objects(bucket, "");
                files = objects.size();
                archived = sum(objects, object -> Long.parseLong(s3.metadata(bucket, object.key())
                        .get(AvroBatchWriter.META_RECORD_COUNT)));
            }
            out.printf("[%s] done: every record committed after %.1f s, %,d files; CPU seconds by thread: %s%n", run,
                    seconds, files, usage.cpuByThreads().entrySet().stream()
                            .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).toList());
            return new Result(run, scenario, data.records(), data.valueBytes(), seconds,
                    usage.cpuSeconds(), usage.cpuByThreads(), brokerCpu, s3Cpu, usage.peakHeapBytes(),
                    usage.heapAfterGcBytes(), usage.peakRssBytes(),
                    files, archived, open.batches(), open.bytes());
        } finally {
            process.close();
        }
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
