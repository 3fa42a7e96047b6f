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
            "profile"}) {
            assertThat(out.toString()).contains("--" + option).contains("Or -Dbench." + option + "=");
        }
        assertThat(out.toString()).contains("-Dprism.avro.codec=snappy");
    }

    @Test
    void options_come_from_the_command_line_or_the_system_property_a_wrong_one_is_named_with_exit_code_2() {
        BenchmarkCommand command = new BenchmarkCommand();
        System.setProperty("bench.timeout-s", "42");
        try {
            ScriptCommand.commandLine(command).parseArgs("--records", "1000", "--runs", "prism,history");
        } finally {
            System.clearProperty("bench.timeout-s");
        }
        Benchmark.Options options = command.options();
        assertThat(options.records()).isEqualTo(1000);
        assertThat(options.timeout()).hasSeconds(42);
        assertThat(options.runs()).containsExactlyInAnyOrder("prism", "history");

        StringWriter err = new StringWriter();
        CommandLine wrong = ScriptCommand.commandLine(new BenchmarkCommand()).setErr(new PrintWriter(err, true));
        assertThat(wrong.execute("--runs", "prism,fastest")).isEqualTo(2);
        assertThat(err.toString()).contains("--runs names no run [fastest]");
    }
}
