package com.prism.lts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.prism.lts.config.SettingDefaults;
import com.prism.lts.testing.ToolRun;
import org.junit.jupiter.api.Test;

/** What an operator sees of the command line itself, each with the exact command issue 18 tried. */
class CommandLineTest {

    @Test
    void a_day_that_is_not_one_is_one_sentence_and_where_the_options_are() {
        ToolRun ls = ToolRun.of("ls", "--day", "2018-13-01");

        assertThat(ls.exitCode()).isEqualTo(2);
        assertThat(ls.out()).isEmpty();
        assertThat(ls.err()).isEqualTo("prism-lts ls: Invalid value for option '--day': '2018-13-01' is not a day of"
                + " the calendar written yyyy-MM-dd, such as 2018-01-04\nSee 'prism-lts ls --help' for the"
                + " options.\n");
    }

    @Test
    void an_endpoint_without_its_scheme_is_one_sentence_that_shows_it_with_one() {
        ToolRun ls = ToolRun.of("ls", "--endpoint", "127.0.0.1:35887");

        assertThat(ls.exitCode()).isEqualTo(2);
        assertThat(ls.err()).isEqualTo("prism-lts ls: Invalid value for option '--endpoint': '127.0.0.1:35887' is"
                + " not a URL: write it with its scheme and host, such as http://127.0.0.1:35887\nSee 'prism-lts ls"
                + " --help' for the options.\n");
    }

    @Test
    void a_negative_rate_is_refused_before_anything_else() {
        ToolRun restore = ToolRun.of("restore", "--rate", "-3");

        assertThat(restore.exitCode()).isEqualTo(2);
        assertThat(restore.err()).isEqualTo("prism-lts restore: --rate must be 0 (no limit) or more, not -3\nSee"
                + " 'prism-lts restore --help' for the options.\n");
    }

    @Test
    void an_unknown_option_is_named_without_the_usage() {
        ToolRun cat = ToolRun.of("cat", "--dya", "2018-01-01");

        assertThat(cat.exitCode()).isEqualTo(2);
        assertThat(cat.err()).isEqualTo("prism-lts cat: Unknown option: '--dya'\nSee 'prism-lts cat --help' for the"
                + " options.\n");
    }

    @Test
    void every_command_prints_the_project_version() throws IOException {
        String expected = "Prism LTS " + projectVersion() + "\n";
        List<ToolRun> runs = new ArrayList<>(List.of(ToolRun.of("-V"), ToolRun.of("--version")));
        for (String command : List.of("run", "send", "ls", "cat", "audit", "restore")) {
            runs.add(ToolRun.of(command, "--version"));
            runs.add(ToolRun.of(command, "-V"));
        }

        assertThat(runs).allSatisfy(run -> {
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).isEqualTo(expected);
        });
    }

    @Test
    void run_help_lists_every_prism_setting_with_its_variable_and_default_and_points_to_the_documentation() {
        ToolRun help = ToolRun.of("run", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("docs/configuration.md").contains("\n  prism.flush.size=250\n")
                .contains("PRISM_FLUSH_SIZE is prism.flush.size.");
        SettingDefaults.builtIn().stringPropertyNames().stream().filter(name -> name.startsWith("prism."))
                .forEach(name -> assertThat(help.out()).contains("\n  " + name + "="));
    }

    @Test
    void a_kafka_address_where_nothing_answers_is_said_in_our_words() throws IOException {
        // a server that takes connections and never answers, as a firewall or a wrong port can
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            String address = "127.0.0.1:" + silent.getLocalPort();

            ToolRun audit = ToolRun.of("audit", "--bootstrap-servers", address, "--endpoint", "http://127.0.0.1:"
                    + ToolRun.unusedPort(), "--path-style", "--access-key", "a", "--secret-key", "b");

            assertThat(audit.exitCode()).isEqualTo(1);
            assertThat(audit.err()).isEqualTo("prism-lts: Kafka did not answer at " + address + " in time: a server"
                    + " accepts connections there, but no Kafka broker answered (check --bootstrap-servers, and that"
                    + " its listener speaks PLAINTEXT, --security-protocol)\n");
            assertThat(accepted).isNotEmpty();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    private static String projectVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>prism-lts</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(version.find()).isTrue();
        return version.group(1);
    }
}
