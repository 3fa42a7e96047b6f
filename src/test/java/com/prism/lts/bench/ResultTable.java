package com.prism.lts.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The benchmark's results as a table for people: one block per scenario. After the interleaved scenario, Prism LTS's
 * ratios to the others in records/s and in CPU per record; with several rounds, each run, then the spread over the
 * rounds. After history at once, when every record had been read and how long the last batches then waited.
 */
final class ResultTable {

    private static final String ROW = "  %-17s %11s %8s %12s %7s %7s %19s %7s %7s %9s %7s %8s %15s%n";

    private ResultTable() {
    }

    static String format(Benchmark.Report report) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(ROW, "", "records/s", "MB/s", "CPU s/M rec", "broker", "S3", "heap peak/after GC",
                "RSS MB", "files", "files/day", "PUTs/s", "seconds", "most open"));
        Set<String> scenarios = new LinkedHashSet<>();
        report.results().forEach(r -> scenarios.add(r.scenario()));
        for (String scenario : scenarios) {
            List<Result> results = report.results().stream().filter(r -> r.scenario().equals(scenario)).toList();
            Result first = results.get(0);
            table.append(String.format("%s (%,d records, %,.0f MB), quiet period %,d ms%s%n", scenario,
                    first.records(), first.valueBytes() / 1e6, first.quietMs(),
                    Long.toString(first.quietMs()).equals(Benchmark.SHIPPED_QUIET_MS) ? " (shipped)" : ""));
            Rounds rounds = Rounds.of(report.results(), scenario);
            results.forEach(r -> table.append(row(r, rounds.count() > 1)));
            if (scenario.equals(Benchmark.INTERLEAVED)) {
                table.append(spread(rounds));
            } else {
                results.forEach(r -> table.append(reading(r)));
            }
        }
        return table.toString();
    }

    private static String row(Result r, boolean numbered) {
        boolean wroteFiles = r.files() > 0;
        return String.format(ROW, numbered ? r.run() + " #" + r.round() : r.run(),
                String.format("%,.0f", r.recordsPerSecond()),
                String.format("%.1f", r.megabytesPerSecond()),
                String.format("%.1f", r.cpuSecondsPerMillionRecords()),
                String.format("%.1f", r.brokerCpuSecondsPerMillionRecords()),
                String.format("%.1f", r.s3CpuSecondsPerMillionRecords()),
                megabytes(r.peakHeapBytes()) + " / " + megabytes(r.heapAfterGcBytes()) + " MB",
                megabytes(r.peakRssBytes()),
                wroteFiles ? String.format("%,d", r.files()) : "-",
                r.filesPerDay() == null ? "-" : String.format("%.2f", r.filesPerDay()),
                wroteFiles ? String.format("%,.0f", r.putsPerSecond()) : "-",
                String.format("%.1f", r.seconds()),
                r.mostOpenBatches() < 0 ? "-"
                        : String.format("%,d (%s MB)", r.mostOpenBatches(), megabytes(r.mostOpenBytes())));
    }

    /** Each contestant over the rounds, when there were several; then Prism LTS's ratios to the others. */
    static String spread(Rounds rounds) {
        StringBuilder lines = new StringBuilder();
        boolean several = rounds.count() > 1;
        if (several) {
            lines.append(String.format("Over %d rounds, mean (min–max):%n", rounds.count()));
            rounds.contestants().forEach((run, c) -> lines.append(String.format(
                    "  %-17s %s records/s, %s CPU s/M records%n", run, c.recordsPerSecond().format("%,.0f"),
                    c.cpuSecondsPerMillionRecords().format("%.1f"))));
        }
        for (String other : List.of(Benchmark.HAND_WRITTEN, Benchmark.READ_LIMIT)) {
            lines.append(several ? "  " : "").append("Prism LTS / ").append(other).append(": ");
            lines.append(rounds.prismTo(other).map(c -> c.recordsPerSecond().format("%.2f")
                    + " in records/s, " + c.cpuPerRecord().format("%.2f") + "× the CPU per record").orElse("-"));
            lines.append(String.format("%n"));
        }
        return lines.toString();
    }

    /** When a contestant that tells had read every record, and how long it took after that. */
    static String reading(Result r) {
        if (r.readAllSeconds() < 0) {
            return "";
        }
        return String.format("  %s read every record in %.1f s (%,.0f records/s); then %.1f s for the last batches:"
                + " their quiet period of %,d ms, uploads and commits%n", r.run(), r.readAllSeconds(),
                r.recordsPerSecondUntilAllRead(), r.finalWaitSeconds(), r.quietMs());
    }

    private static String megabytes(long bytes) {
        return String.format("%,d", bytes >> 20);
    }
}
