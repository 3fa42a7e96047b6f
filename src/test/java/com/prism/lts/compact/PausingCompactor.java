package com.prism.lts.compact;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import com.prism.lts.config.SettingDefaults;

/**
 * The compactor in a JVM of its own, for tests that kill it: its settings are system properties, and it stops in its
 * tracks at the step named by its argument (a {@link CompactionSteps.Step}, or {@code DELETING_HALF}: after half of
 * the first day's small files are deleted), prints {@code PAUSED AT <step>} and waits to be killed. With any other
 * argument it runs to the end and prints what it did and the CPU time its JVM used.
 */
public final class PausingCompactor {

    private PausingCompactor() {
    }

    public static void main(String[] args) throws Exception {
        String pauseAt = args[0];
        Properties defaults = SettingDefaults.builtIn();
        Function<String, Optional<String>> settings = name -> Optional.ofNullable(System.getProperty(name,
                defaults.getProperty(name))).filter(value -> !value.isBlank());
        CompactionSteps steps = new CompactionSteps() {
            @Override
            public void reached(Step step, String topic, LocalDate day) {
                if (step.name().equals(pauseAt)) {
                    pause(pauseAt);
                }
            }

            @Override
            public void deleted(String key, int done, int total) {
                if ("DELETING_HALF".equals(pauseAt) && done == total / 2) {
                    pause(pauseAt);
                }
            }
        };
        Compactor.Report report;
        try (Compactor compactor = new Compactor(settings, steps, Clock.systemUTC())) {
            report = compactor.run();
        }
        System.out.printf("FINISHED: %d days, %d records; the JVM's CPU time %.1f s%n", report.days().size(),
                report.days().stream().mapToLong(DayOutcome::records).sum(),
                ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9);
    }

    private static void pause(String step) {
        System.out.println("PAUSED AT " + step);
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
