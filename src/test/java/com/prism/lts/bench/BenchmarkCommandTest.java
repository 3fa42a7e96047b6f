package com.prism.lts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import com.prism.lts.testing.ScriptCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchmarkCommandTest {

    @Test
    void help_lists_every_option_with_its_system_property_and_exits_0() {
        StringWriter out = new StringWriter();

        int exitCode = ScriptCommand.commandLine(new BenchmarkCommand()).setOut(new PrintWriter(out, true))
                .execute("--help");

        assertThat(exitCode).isZero();
        for (String option : new String[] {"records", "history-records", "heap", "dir", "timeout-s", "runs",
            "repeat", "profile"}) {
            assertThat(out.toString()).contains("--" + option).contains("Or -Dbench." + option + "=");
        }
        assertThat(out.toString()).contains("History runs once (default: 1)");
        assertThat(out.toString()).contains("-Dprism.avro.codec=snappy");
    }

    @Test
    void options_come_from_the_command_line_or_the_system_property_a_wrong_one_is_named_with_exit_code_2() {
        BenchmarkCommand command = new BenchmarkCommand();
        System.setProperty("bench.timeout-s", "42");
        System.setProperty("bench.repeat", "3");
        try {
            ScriptCommand.commandLine(command).parseArgs("--records", "1000", "--runs", "prism,history");
        } finally {
            System.clearProperty("bench.timeout-s");
            System.clearProperty("bench.repeat");
        }
        Benchmark.Options options = command.options();
        assertThat(options.records()).isEqualTo(1000);
        assertThat(options.timeout()).hasSeconds(42);
        assertThat(options.runs()).containsExactlyInAnyOrder("prism", "history");
        assertThat(options.repeat()).isEqualTo(3);
        BenchmarkCommand once = new BenchmarkCommand();
        ScriptCommand.commandLine(once).parseArgs();
        assertThat(once.options().repeat()).isEqualTo(1);

        StringWriter err = new StringWriter();
        CommandLine wrong = ScriptCommand.commandLine(new BenchmarkCommand()).setErr(new PrintWriter(err, true));
        assertThat(wrong.execute("--runs", "prism,fastest")).isEqualTo(2);
        assertThat(err.toString()).contains("--runs names no run [fastest]");
        assertThat(wrong.execute("--repeat", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--repeat must be 1 or more");
    }
}
