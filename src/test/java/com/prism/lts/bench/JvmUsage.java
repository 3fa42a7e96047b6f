package com.prism.lts.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a measured JVM used: its CPU time and peak resident memory, read from the kernel while it still runs, and its
 * heap, read from its GC log ({@code -Xlog:gc:file=...}) once it has exited.
 */
record JvmUsage(Duration cpu, long peakRssBytes, long peakHeapBytes, long liveHeapBytes) {

    /** {@code 123M->45M(512M)}: heap used before and after a collection, and the heap's size. */
    private static final Pattern COLLECTION = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\(\\d+[KMG]\\)");

    /** The GC log options that {@link #heap} reads. */
    static String gcLogOption(Path log) {
        return "-Xlog:gc:file=" + log.toAbsolutePath();
    }

    /** CPU time (user and system, all threads) and peak RSS ({@code VmHWM}) of a running process. */
    static JvmUsage ofRunning(ProcessHandle process) {
        Duration cpu = process.info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("the CPU time of process " + process.pid() + " cannot be read"));
        long peakRss = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    peakRss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the memory of process " + process.pid(), e);
        }
        return new JvmUsage(cpu, peakRss, 0, 0);
    }

    /**
     * Adds the heap from the GC log: the most that was ever in use (just before a collection) and the most that
     * survived one (what the JVM really needed to keep).
     */
    JvmUsage heap(Path gcLog) {
        long peak = 0;
        long live = 0;
        try {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = COLLECTION.matcher(line);
                if (m.find()) {
                    peak = Math.max(peak, bytes(m.group(1), m.group(2)));
                    live = Math.max(live, bytes(m.group(3), m.group(4)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + gcLog, e);
        }
        return new JvmUsage(cpu, peakRssBytes, peak, live);
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
