package com.prism.lts.bench;

import java.util.LinkedHashSet;
import java.util.Set;

/** The benchmark's results as a table for people: one block per scenario, then the ratios. */
final class ResultTable {

    private static final String ROW = "  %-13s %11s %8s %12s %7s %7s %19s %7s %7s %7s %8s %15s%n";

    private ResultTable() {
    }

    static String format(Benchmark.Report report) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(ROW, "", "records/s", "MB/s", "CPU s/M rec", "broker", "S3", "heap peak/after GC",
                "RSS MB", "files", "PUTs/s", "seconds", "most open"));
        Set<String> scenarios = new LinkedHashSet<>();
        report.results().forEach(r -> scenarios.add(r.scenario()));
        for (String scenario : scenarios) {
            Result first = report.results().stream().filter(r -> r.scenario().equals(scenario)).findFirst()
                    .orElseThrow();
            table.append(String.format("%s (%,d records, %,.0f MB)%n", scenario, first.records(),
                    first.valueBytes() / 1e6));
            report.results().stream().filter(r -> r.scenario().equals(scenario)).forEach(r -> table.append(row(r)));
        }
        table.append(String.format("Prism LTS / hand-written: %s    Prism LTS / read limit: %s    (records/s)%n",
                ratio(report, Benchmark.HAND_WRITTEN), ratio(report, Benchmark.READ_LIMIT)));
        return table.toString();
    }

    private static String row(Result r) {
        boolean wroteFiles = r.files() > 0;
        return String.format(ROW, r.run(),
                String.format("%,.0f", r.recordsPerSecond()),
                String.format("%.1f", r.megabytesPerSecond()),
                String.format("%.1f", r.cpuSecondsPerMillionRecords()),
                String.format("%.1f", r.brokerCpuSecondsPerMillionRecords()),
                String.format("%.1f", r.s3CpuSecondsPerMillionRecords()),
                megabytes(r.peakHeapBytes()) + " / " + megabytes(r.heapAfterGcBytes()) + " MB",
                megabytes(r.peakRssBytes()),
                wroteFiles ? String.format("%,d", r.files()) : "-",
                wroteFiles ? String.format("%,.0f", r.putsPerSecond()) : "-",
                String.format("%.1f", r.seconds()),
                r.mostOpenBatches() < 0 ? "-"
                        : String.format("%,d (%s MB)", r.mostOpenBatches(), megabytes(r.mostOpenBytes())));
    }

    private static String ratio(Benchmark.Report report, String run) {
        return report.prismTo(run).map(ratio -> String.format("%.2f", ratio)).orElse("-");
    }

    private static String megabytes(long bytes) {
        return String.format("%,d", bytes >> 20);
    }
}
