package com.prism.lts.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a measured JVM used: its CPU time, split by kind of thread, and its peak resident memory, read from the kernel
 * while it still runs; and its heap, read from its GC log ({@code -Xlog:gc:file=...}) once it has exited.
 *
 * @param cpuByThreads CPU seconds of the application's own threads, the garbage collector's, the JIT compilers', and
 *                     of threads that ended before the measurement (JIT threads come and go)
 */
record JvmUsage(double cpuSeconds, Map<String, Double> cpuByThreads, long peakRssBytes, long peakHeapBytes,
        long heapAfterGcBytes) {

    /** {@code 123M->45M(512M)}: heap used before and after a collection, and the heap's size. */
    private static final Pattern COLLECTION = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");
    /** Linux reports thread times in USER_HZ ticks, which is 100 per second on every architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100;
    private static final List<String> GC_THREADS = List.of("GC Thread", "G1 ");
    private static final List<String> JIT_THREADS = List.of("C1 Compiler", "C2 Compiler");

    /** The GC log options that {@link #heap} reads. */
    static String gcLogOption(Path log) {
        return "-Xlog:gc:file=" + log.toAbsolutePath();
    }

    /** CPU time (user and system) of a running process, in seconds. */
    static double cpuSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("the CPU time of process " + process.pid() + " cannot be read"))
                .toNanos() / 1e9;
    }

    /** CPU time and peak RSS ({@code VmHWM}) of a running process. */
    static JvmUsage ofRunning(ProcessHandle process) {
        double cpu = cpuSeconds(process);
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        long peakRss = 0;
        Map<String, Double> byThreads = new LinkedHashMap<>(Map.of("application", 0.0, "GC", 0.0, "JIT", 0.0));
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmHWM:")) {
                    peakRss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                for (Path task : tasks.toList()) {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    byThreads.merge(GC_THREADS.stream().anyMatch(name::startsWith) ? "GC"
                            : JIT_THREADS.stream().anyMatch(name::startsWith) ? "JIT" : "application", seconds,
                            Double::sum);
                }
            }
        } catch (IOException e) {
            // a thread that ended while being read; or the process is gone, which the caller notices
            throw new IllegalStateException("cannot read the usage of process " + process.pid(), e);
        }
        double live = byThreads.values().stream().mapToDouble(Double::doubleValue).sum();
        byThreads.put("ended threads", Math.max(0, cpu - live));
        return new JvmUsage(cpu, byThreads, peakRss, 0, 0);
    }

    /**
     * Adds the heap from the GC log: the most that was ever in use (just before a collection), and the most still in
     * use right after one (at most what the JVM needed to keep, as a young collection leaves old garbage in place).
     */
    JvmUsage heap(Path gcLog) {
        long peak = 0;
        long afterGc = 0;
        try {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = COLLECTION.matcher(line);
                if (m.find()) {
                    peak = Math.max(peak, bytes(m.group(1), m.group(2)));
                    afterGc = Math.max(afterGc, bytes(m.group(3), m.group(4)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + gcLog, e);
        }
        return new JvmUsage(cpuSeconds, cpuByThreads, peakRssBytes, peak, afterGc);
    }

    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }
}
