package com.prism.lts.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.prism.lts.testing.ScriptCommand;

/**
 * The README's quick start: the sandbox, run the way the README says, archives its traffic, reports it truly, compacts
 * it, and prints a query that runs on the table (run here with DuckDB).
 */
class SandboxTest {

    /** The README shows this line verbatim, as the way to try the sandbox in seconds; the test runs exactly it. */
    static final String COMMAND = "./sandbox --count 600 --days 6 --flush-quiet-ms 1000 --exit-when-done";
    static final Pattern SUMMARY_ROW = Pattern.compile(
            "^ +ac-user-event +(\\d{4}-\\d{2}-\\d{2}|all days) +([\\d,]+) +([\\d,]+) +[\\d,]+$", Pattern.MULTILINE);

    @Test
    void the_readme_starts_with_the_sandbox_and_shows_the_command_this_test_runs() throws IOException {
        String readme = Files.readString(Path.of("README.md"));

        Matcher firstBlock = Pattern.compile("```\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        assertThat(firstBlock.find()).isTrue();
        assertThat(firstBlock.group(1)).isEqualTo("./sandbox");
        assertThat(readme).contains("\n" + COMMAND + "\n");
    }

    @Test
    void the_summary_counts_what_is_in_s3_and_the_query_it_prints_finds_every_event_of_the_days_compacted()
            throws Exception {
        StringWriter out = new StringWriter();
        String[] args = Arrays.copyOfRange(COMMAND.split(" "), 1, COMMAND.split(" ").length);

        // a free management port, as -Dcamel.management.port=0 would give: another archiver on this machine may have
        // the default one, and the sandbox would then refuse to start
        System.setProperty("camel.management.port", "0");
        int exitCode;
        try {
            exitCode = assertTimeoutPreemptively(Duration.ofSeconds(120),
                    () -> ScriptCommand.commandLine(new Sandbox()).setOut(new PrintWriter(out, true)).execute(args));
        } finally {
            System.clearProperty("camel.management.port");
        }

        assertThat(exitCode).as(out.toString()).isZero();
        Path topic = Path.of("target/sandbox/s3/prism-lts/topics/ac-user-event").toAbsolutePath();
        assertThat(out.toString()).contains("The files are in " + topic + ",");
        TreeMap<String, List<Long>> summary = new TreeMap<>();
        Matcher row = SUMMARY_ROW.matcher(out.toString());
        while (row.find()) {
            summary.put(row.group(1), List.of(number(row.group(2)), number(row.group(3))));
        }
        assertThat(summary).hasSize(7).containsEntry("all days", List.of(summary.get("all days").get(0), 600L));
        String lastDay = summary.headMap("all days").lastKey();
        long lastDayRecords = summary.get(lastDay).get(1);
        long lastDayFiles = summary.get(lastDay).get(0);
        assertThat(out.toString()).contains(String.format(Locale.ROOT, "  compacted 5 days: %,d records of %,d small"
                + " files", 600 - lastDayRecords, summary.get("all days").get(0) - lastDayFiles));
        assertThat(avroFiles(topic)).as("the last day's files are left to be seen; the others are compacted")
                .hasSize((int) lastDayFiles).allSatisfy(file -> assertThat(file.toString()).contains(
                        "day=" + lastDay.substring(8) + "/"));

        Matcher query = Pattern.compile("^  (SELECT .*;)$", Pattern.MULTILINE).matcher(out.toString());
        assertThat(query.find()).as(out.toString()).isTrue();
        Map<String, Long> perDay = new TreeMap<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duckdb.createStatement();
                ResultSet result = statement.executeQuery(query.group(1))) {
            while (result.next()) {
                perDay.put(result.getObject(1).toString(), result.getLong(2));
                assertThat(result.getLong(3)).isPositive();
            }
        }
        Map<String, Long> summarized = new TreeMap<>();
        summary.forEach((day, counts) -> {
            if (!day.equals("all days") && !day.equals(lastDay)) {
                summarized.put(day, counts.get(1));
            }
        });
        assertThat(perDay).isEqualTo(summarized);
    }

    @Test
    void wrong_options_are_named_as_typed_with_exit_code_2_before_anything_starts_or_is_emptied(@TempDir Path dir)
            throws IOException {
        Files.createFile(dir.resolve(".prism-sandbox"));
        Path earlierRun = Files.writeString(dir.resolve("earlier-run"), "kept");
        StringWriter err = new StringWriter();

        int exitCode = ScriptCommand.commandLine(new Sandbox()).setErr(new PrintWriter(err, true)).execute(
                "--flush-size", "0", "--flush-quiet-ms=5000", "--flush-max-age-ms", "1000", "--dir", dir.toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--flush-size must be 1 or more, but is 0")
                .contains("--flush-max-age-ms must not be shorter than --flush-quiet-ms (5000)")
                .doesNotContain("prism.flush").doesNotContain("\tat ");
        assertThat(earlierRun).hasContent("kept");
    }

    /** The Avro files under a folder, at any depth. */
    private static List<Path> avroFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.toString().endsWith(".avro")).toList();
        }
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }
}
