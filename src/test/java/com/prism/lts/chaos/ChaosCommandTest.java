package com.prism.lts.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import com.prism.lts.testing.ScriptCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChaosCommandTest {

    @Test
    void help_lists_every_option_with_its_system_property_and_every_scenario_and_exits_0() {
        StringWriter out = new StringWriter();

        int exitCode = ScriptCommand.commandLine(new Chaos()).setOut(new PrintWriter(out, true)).execute("--help");

        assertThat(exitCode).isZero();
        for (String option : new String[] {"records", "rate", "partitions", "days", "bad-every", "scenarios", "dir"}) {
            assertThat(out.toString()).contains("--" + option).contains("Or -Dchaos." + option + "=");
        }
        Scenarios.ALL.forEach(scenario -> assertThat(out.toString()).contains(scenario.name()));
    }

    @Test
    void a_wrong_option_is_named_with_exit_code_2_before_anything_starts() {
        StringWriter err = new StringWriter();
        CommandLine command = ScriptCommand.commandLine(new Chaos()).setErr(new PrintWriter(err, true));

        assertThat(command.execute("--scenarios", "kill-9,meteor", "--dir", "target/chaos-never")).isEqualTo(2);
        assertThat(err.toString()).contains("--scenarios names no scenario 'meteor'");
        assertThat(Path.of("target", "chaos-never")).doesNotExist();
    }
}
