package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

/**
 * The commit ledger proven by simulation rather than argued: thousands of seeded random schedules of polls, cuts,
 * commits, hand-overs and faults ({@link LedgerSimulation}), each checked record by record. Failing schedules are
 * listed with their seeds, the first with its trace; {@code mvn test -Dtest=LedgerSimulationTest
 * -Dsimulation.seed=N} plays one again alone, {@code -Dsimulation.first=N -Dsimulation.schedules=M} plays others, and
 * {@code -Dsimulation.faults=kill,route-failure} keeps every other kind of fault out (the names are those of
 * {@link LedgerSimulation.Faults}, in lower case with dashes). {@code -Dsimulation.filings=true} traces what becomes
 * of each record, {@code -Dsimulation.trace=N} keeps the last N lines of a trace.
 */
class LedgerSimulationTest {

    @Test
    void no_schedule_of_faults_loses_a_record_or_archives_one_twice() {
        Long only = Long.getLong("simulation.seed");
        long first = only != null ? only : Long.getLong("simulation.first", 1);
        long count = only != null ? 1 : Long.getLong("simulation.schedules", 2000);
        List<String> failed = new ArrayList<>();
        List<String> traces = new ArrayList<>();
        // the ledger says in words what it does, thousands of times a second here: the trace says what matters
        Level before = LogManager.getLogger("com.prism.lts").getLevel();
        Configurator.setLevel("com.prism.lts", Level.OFF);
        try {
            for (long seed = first; seed < first + count; seed++) {
                LedgerSimulation simulation = new LedgerSimulation(seed, System.getProperty("simulation.faults", ""));
                List<String> violations = simulation.run();
                if (!violations.isEmpty()) {
                    failed.add("schedule " + seed + ": " + violations.get(0)
                            + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : ""));
                    if (traces.isEmpty()) {
                        traces.add(simulation.trace());
                    }
                }
            }
        } finally {
            Configurator.setLevel("com.prism.lts", before);
        }
        assertThat(failed).as(() -> failed.size() + " of " + count + " schedules failed (replay one with"
                + " -Dsimulation.seed=N):\n" + String.join("\n", failed.subList(0, Math.min(40, failed.size())))
                + "\n\nThe first one:\n" + traces.get(0) + "\n").isEmpty();
    }
}
