package com.prism.lts.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.KafkaProcess;
import com.prism.lts.testing.Reconciliation;
import com.prism.lts.testing.S3Process;
import com.prism.lts.testing.ScriptCommand;
import org.apache.camel.util.FileUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./chaos}: the fault scenarios of {@link Scenarios} at a larger scale than {@code mvn verify} runs them, with
 * the Kafka broker and the S3 server in processes of their own, and a line per scenario saying what was lost and
 * what was archived twice. Exit code 0 only when every scenario kept its promise.
 */
@Command(name = "./chaos", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = {"Runs the fault scenarios of docs/exactly-once.md: replicas of the archiver in JVMs of their"
                + " own, a paced stream of many days, kill -9, SIGTERM, SIGSTOP, rebalances, a failing route step"
                + " and a topic deleted and created again while it flows; then compares the archive and the"
                + " dead-letter topic with what was produced, record by record, and audits the archive."},
        footer = {"", "Scenarios: kill-9, scale, zombie, zones, siblings, failing-step, recreated (docs/exactly-once.md"
                + " says what each does).", "After each, prism-lts audit checks the archive up to the committed offsets.",
            "Exit code 0 when nothing was lost anywhere, nothing archived twice where exactly once is promised, and"
                    + " every audit was complete."})
public final class Chaos implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--records", descriptionKey = "chaos.records", defaultValue = "20000", paramLabel = "N",
            description = {"Events per scenario (default: ${DEFAULT-VALUE}).", "Or -Dchaos.records=N."})
    int records;

    @Option(names = "--rate", descriptionKey = "chaos.rate", defaultValue = "400", paramLabel = "PER_SECOND",
            description = {"Events sent per second (default: ${DEFAULT-VALUE}).", "Or -Dchaos.rate=PER_SECOND."})
    int rate;

    @Option(names = "--partitions", descriptionKey = "chaos.partitions", defaultValue = "3", paramLabel = "N",
            description = {"Partitions of each scenario's topic (default: ${DEFAULT-VALUE}).",
                "Or -Dchaos.partitions=N."})
    int partitions;

    @Option(names = "--days", descriptionKey = "chaos.days", defaultValue = "30", paramLabel = "N",
            description = {"Days the events' metric_date spans, interleaved (default: ${DEFAULT-VALUE}).",
                "Or -Dchaos.days=N."})
    int days;

    @Option(names = "--bad-every", descriptionKey = "chaos.bad-every", defaultValue = "1000", paramLabel = "N",
            description = {"Every N-th event cannot be archived and goes to the dead-letter topic; 0 for none"
                    + " (default: ${DEFAULT-VALUE}).", "Or -Dchaos.bad-every=N."})
    int badEvery;

    @Option(names = "--scenarios", descriptionKey = "chaos.scenarios", split = ",", paramLabel = "NAME",
            defaultValue = "kill-9,scale,zombie,zones,siblings,failing-step,recreated",
            description = {"Which scenarios to run, in order (default: ${DEFAULT-VALUE}).",
                "Or -Dchaos.scenarios=NAME,NAME."})
    List<String> scenarios;

    @Option(names = "--dir", descriptionKey = "chaos.dir", defaultValue = "target/chaos-run", paramLabel = "DIR",
            description = {"Folder for the broker's and the S3 server's files and every replica's log; emptied first"
                    + " (default: ${DEFAULT-VALUE}).", "Or -Dchaos.dir=DIR."})
    Path directory;

    public static void main(String[] args) {
        System.exit(ScriptCommand.execute(new Chaos(), args));
    }

    @Override
    public Integer call() throws Exception {
        List<Scenario> chosen = chosen();
        Scenario.Scale scale = scale();
        PrintStream out = System.out;
        emptied(directory);
        out.printf("Starting a Kafka broker and an S3 server in processes of their own under %s...%n", directory);
        List<Row> rows = new ArrayList<>();
        try (KafkaProcess kafka = KafkaProcess.start(directory.resolve("kafka"));
                S3Process s3 = S3Process.start(directory.resolve("s3"))) {
            String bucket = "prism-lts";
            s3.createBucket(bucket);
            Path schemas = Files.createDirectories(directory.resolve("schemas"));
            Events.publishSchema(schemas, Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
            Stage stage = new Stage(kafka, s3, bucket, schemas, directory.resolve("logs"));
            for (Scenario scenario : chosen) {
                out.printf("%n%s: %s%n  %,d events over %d days on %d partitions, %,d a second...%n", scenario.name(),
                        scenario.description(), scale.records(), scale.days(), scale.partitions(), scale.perSecond());
                long started = System.nanoTime();
                Scenario.Outcome outcome = scenario.run(stage, scale);
                Row row = new Row(scenario, outcome, (System.nanoTime() - started) / 1e9);
                rows.add(row);
                out.printf("  %s%n  %s%n  %s in %.0f s%n", outcome.reconciliation(), outcome.audit(), row.verdict(),
                        row.seconds());
            }
        }
        out.printf("%n%-12s %9s %9s %6s %10s %12s %9s %9s %10s %6s  %s%n", "scenario", "produced", "archived", "lost",
                "duplicated", "dead letters", "(twice)", "takeovers", "read again", "audit", "verdict");
        for (Row row : rows) {
            Reconciliation r = row.outcome().reconciliation();
            out.printf("%-12s %,9d %,9d %,6d %,10d %,12d %,9d %,9d %,10d %6s  %s%n", row.scenario().name(),
                    r.produced(), r.archived(), r.lost().size() + r.misplaced().size(), r.duplicated(),
                    r.deadLettered(), r.deadLettersDuplicated(), row.outcome().takeoversWithState(),
                    row.outcome().readAgain(), row.outcome().audit().complete() ? "0" : "exit " + row.outcome().audit()
                            .exitCode(), row.verdict());
        }
        out.printf("%nReplica logs: %s%n", directory.resolve("logs"));
        return rows.stream().allMatch(Row::kept) ? 0 : 1;
    }

    private List<Scenario> chosen() {
        Map<String, Scenario> known = new LinkedHashMap<>();
        Scenarios.ALL.forEach(scenario -> known.put(scenario.name(), scenario));
        List<Scenario> chosen = new ArrayList<>();
        for (String name : scenarios) {
            Scenario scenario = known.get(name.trim());
            if (scenario == null) {
                throw new ParameterException(spec.commandLine(), "--scenarios names no scenario '" + name
                        + "': choose from " + String.join(", ", new TreeSet<>(known.keySet())));
            }
            chosen.add(scenario);
        }
        return chosen;
    }

    private Scenario.Scale scale() {
        require(records >= 100, "--records must be 100 or more, but is " + records);
        require(rate >= 1, "--rate must be 1 or more, but is " + rate);
        require(partitions >= 2, "--partitions must be 2 or more (the scenarios move partitions), but is "
                + partitions);
        require(days >= 1, "--days must be 1 or more, but is " + days);
        require(badEvery >= 0, "--bad-every must be 0 or more, but is " + badEvery);
        return new Scenario.Scale(records, rate, partitions, days, badEvery);
    }

    private void require(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private static void emptied(Path directory) {
        try {
            FileUtil.removeDir(directory.toFile());
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One scenario's outcome, and whether it kept its promise. */
    private record Row(Scenario scenario, Scenario.Outcome outcome, double seconds) {

        /**
         * Mixed zones promise nothing lost only: records above a hand-over are filed under each replica's rule. A topic
         * created again promises each incarnation's records exactly once in its own files; records of the new one read
         * before the change was seen may be archived under the earlier one's id too. Every audit must be complete.
         */
        boolean kept() {
            Reconciliation r = outcome.reconciliation();
            return (scenario == Scenarios.MIXED_ZONES ? r.nothingLost() : r.exactlyOnce()) && outcome.audit().complete();
        }

        String verdict() {
            if (!kept()) {
                return !outcome.reconciliation().nothingLost() ? "FAILED: records lost"
                        : !outcome.audit().complete() ? "FAILED: the audit is not complete"
                        : "FAILED: records archived twice";
            }
            if (scenario == Scenarios.MIXED_ZONES) {
                return "nothing lost (duplicates allowed: the replicas file records differently)";
            }
            return "exactly once";
        }
    }
}
