package com.prism.lts.compact;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.prism.lts.config.SettingDefaults;
import com.prism.lts.inspect.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code prism-lts compact}: folds the closed days of the archived topics into their Iceberg tables, once, and exits
 * (a Kubernetes CronJob runs it: docs/compaction.md). It reads the archiver's own settings.
 */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = {"Folds every closed day of the archived topics (ended prism.compact.closed-after-ms ago, and"
                + " passed by the archiver's committed offsets) into the topic's Iceberg table, exactly once, then"
                + " deletes the day's small files; expires old snapshots and removes orphan files.",
            "Reads the archiver's settings (application.properties, config/application.properties, system"
                    + " properties, PRISM_* environment variables). Exit code 0 when every closed day was compacted,"
                    + " 3 when some were left as they are (each is listed with the reason), 1 when the run failed."})
public final class CompactCommand implements Callable<Integer> {

    static final int DAYS_LEFT = 3;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Compactor.Report report;
        try (Compactor compactor = new Compactor(new SettingDefaults()::value, new Printed(err), Clock.systemUTC())) {
            report = compactor.run();
        }
        TextTable table = new TextTable(3, "topic", "day", "outcome", "small files folded", "records", "data files",
                "data files folded", "small files deleted");
        for (DayOutcome day : report.days()) {
            table.row(day.topic(), day.day().toString(), day.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    day.foldedFiles(), day.records(), day.dataFiles(), day.foldedDataFiles(), day.deletedFiles());
        }
        if (report.days().isEmpty()) {
            out.println("No closed day with small files.");
        } else {
            table.lines().forEach(out::println);
        }
        report.days().stream().filter(day -> !day.reason().isEmpty()).forEach(day -> out.printf(Locale.ROOT,
                "%s %s %s: %s%n", day.topic(), day.day(), day.kind() == DayOutcome.Kind.LEFT ? "left as it is"
                        : "not closed yet", day.reason()));
        if (report.orphansRemoved() > 0) {
            out.printf(Locale.ROOT, "Removed %d orphan files of attempts that did not commit.%n",
                    report.orphansRemoved());
        }
        out.flush();
        return report.days().stream().anyMatch(day -> day.kind() == DayOutcome.Kind.LEFT) ? DAYS_LEFT : 0;
    }

    /** Each step on stderr, as it happens. */
    private record Printed(PrintWriter err) implements CompactionSteps {
        @Override
        public void reached(Step step, String topic, LocalDate day) {
            err.printf(Locale.ROOT, "  %s %s: %s%n", topic, day, step.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            err.flush();
        }

        @Override
        public void deleted(String key, int done, int total) {
            if (done == total) {
                err.printf(Locale.ROOT, "  deleted %d small files%n", done);
                err.flush();
            }
        }
    }
}
