package com.prism.lts.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.prism.lts.testing.ScriptCommand;

/** The README's quick start: the sandbox, run the way the README says, archives its traffic and reports it truly. */
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
    void the_summary_counts_what_is_in_s3_and_every_day_has_its_folder_on_disk() throws IOException {
        StringWriter out = new StringWriter();
        String[] args = Arrays.copyOfRange(COMMAND.split(" "), 1, COMMAND.split(" ").length);

        // a free management port, as -Dcamel.management.port=0 would give: another archiver on this machine may have
        // the default one, and the sandbox would then refuse to start
        System.setProperty("camel.management.port", "0");
        int exitCode;
        try {
            exitCode = assertTimeoutPreemptively(Duration.ofSeconds(90),
                    () -> ScriptCommand.commandLine(new Sandbox()).setOut(new PrintWriter(out, true)).execute(args));
        } finally {
            System.clearProperty("camel.management.port");
        }

        assertThat(exitCode).as(out.toString()).isZero();
        Path topic = Path.of("target/sandbox/s3/prism-lts/topics/ac-user-event").toAbsolutePath();
        assertThat(out.toString()).contains("The files are in " + topic + ",");
        Map<String, List<Long>> onDisk = new TreeMap<>();
        long files = 0;
        long records = 0;
        for (int i = 0; i < 6; i++) {
            LocalDate day = LocalDate.of(2018, 1, 1).plusDays(i);
            Path folder = topic.resolve(String.format("year=%04d/month=%02d/day=%02d", day.getYear(),
                    day.getMonthValue(), day.getDayOfMonth()));
            assertThat(folder).isDirectory();
            List<Path> avro = avroFiles(folder);
            long dayRecords = 0;
            for (Path file : avro) {
                dayRecords += recordsIn(file, day);
            }
            onDisk.put(day.toString(), List.of((long) avro.size(), dayRecords));
            files += avro.size();
            records += dayRecords;
        }
        onDisk.put("all days", List.of(files, records));
        assertThat(records).isEqualTo(600);

        Map<String, List<Long>> summary = new TreeMap<>();
        Matcher row = SUMMARY_ROW.matcher(out.toString());
        while (row.find()) {
            summary.put(row.group(1), List.of(number(row.group(2)), number(row.group(3))));
        }
        assertThat(summary).isEqualTo(onDisk);
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

    private static List<Path> avroFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".avro")).toList();
        }
    }

    /** Reads a file with Avro's own reader, checking that each record belongs to the day of its folder. */
    private static long recordsIn(Path file, LocalDate day) throws IOException {
        long count = 0;
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            for (GenericRecord record : reader) {
                assertThat(record.get("metric_date").toString()).isEqualTo(day.toString());
                count++;
            }
        }
        return count;
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }
}
