package com.prism.lts.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options of {@code ./benchmark}; each may also be given as a {@code bench.*} system property. */
@Command(name = "./benchmark", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = {"Measures Prism LTS beside the read limit and the hand-written limit of this machine: a Kafka"
                + " broker and an S3 server in JVMs of their own, the same data for every contestant, each in a JVM"
                + " of its own. Prints a table and writes results.json (docs/performance.md)."},
        footer = {"",
            "Any -Dprism.* or -Dcamel.* setting is handed to every contestant, to compare settings:",
            "  ./benchmark -Dprism.avro.codec=snappy"})
final class BenchmarkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--records", descriptionKey = "bench.records", defaultValue = "1000000", paramLabel = "N",
            description = {"Events of the interleaved scenario: 30 days, 6 partitions (default: ${DEFAULT-VALUE}).",
                "Or -Dbench.records=N."})
    long records;

    @Option(names = "--history-records", descriptionKey = "bench.history-records", defaultValue = "365000",
            paramLabel = "N", description = {"Events of the history-at-once scenario: 3,650 days in random order,"
                    + " 1 partition (default: ${DEFAULT-VALUE}).", "Or -Dbench.history-records=N."})
    long historyRecords;

    @Option(names = "--heap", descriptionKey = "bench.heap", defaultValue = "512m", paramLabel = "SIZE",
            description = {"-Xmx of every contestant of the interleaved scenario (default: ${DEFAULT-VALUE}).",
                "Or -Dbench.heap=SIZE."})
    String heap;

    @Option(names = "--dir", descriptionKey = "bench.dir", defaultValue = "target/bench", paramLabel = "DIR",
            description = {"Folder for the broker's and the S3 server's files, the logs and results.json; emptied"
                    + " first (default: ${DEFAULT-VALUE}).", "Or -Dbench.dir=DIR."})
    Path directory;

    @Option(names = "--timeout-s", descriptionKey = "bench.timeout-s", defaultValue = "600", paramLabel = "SECONDS",
            description = {"A contestant that has not archived everything by then fails the run (default:"
                    + " ${DEFAULT-VALUE}).", "Or -Dbench.timeout-s=SECONDS."})
    long timeoutSeconds;

    @Option(names = "--runs", descriptionKey = "bench.runs", split = ",", paramLabel = "RUN",
            defaultValue = "read-limit,hand-written,prism,history",
            description = {"Which to run, of read-limit, hand-written, prism, history (default: ${DEFAULT-VALUE}).",
                "Or -Dbench.runs=RUN,RUN."})
    Set<String> runs;

    @Option(names = "--repeat", descriptionKey = "bench.repeat", defaultValue = "1", paramLabel = "N",
            description = {"Rounds of the interleaved scenario on the same data, its contestants alternating in each"
                    + " round, each with a fresh consumer group and bucket; reports every run and the spread over the"
                    + " rounds. History runs once (default: ${DEFAULT-VALUE}).", "Or -Dbench.repeat=N."})
    int repeat;

    @Option(names = "--profile", descriptionKey = "bench.profile", defaultValue = "false", fallbackValue = "true",
            arity = "0..1", paramLabel = "true|false", description = {"Record each contestant with Java Flight"
                    + " Recorder and print where it spent its CPU (default: ${DEFAULT-VALUE}).",
                "Or -Dbench.profile=true."})
    boolean profile;

    @Override
    public Integer call() {
        Benchmark.run(options(), System.out);
        return 0;
    }

    Benchmark.Options options() {
        require(records >= 1, "--records must be 1 or more");
        require(historyRecords >= 1, "--history-records must be 1 or more");
        require(timeoutSeconds >= 1, "--timeout-s must be 1 or more");
        require(repeat >= 1, "--repeat must be 1 or more");
        Set<String> unknown = new TreeSet<>(runs);
        unknown.removeAll(Benchmark.Options.ALL_RUNS);
        require(unknown.isEmpty(), "--runs names no run " + unknown + ": choose from read-limit, hand-written,"
                + " prism, history");
        return new Benchmark.Options(records, historyRecords, heap, directory, profile,
                Duration.ofSeconds(timeoutSeconds), Set.copyOf(runs), repeat);
    }

    private void require(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
