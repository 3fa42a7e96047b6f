package com.prism.lts.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The benchmark's arithmetic and its table, on made-up results: ratios, spreads over rounds, files per day. */
class BenchmarkReportTest {

    @Test
    void a_spread_is_the_least_the_most_and_the_mean_and_is_written_with_its_range_only_for_several_runs() {
        Spread spread = Spread.of(List.of(0.76, 0.83, 0.80));

        assertThat(spread.runs()).isEqualTo(3);
        assertThat(spread.min()).isEqualTo(0.76);
        assertThat(spread.max()).isEqualTo(0.83);
        assertThat(spread.mean()).isCloseTo(0.79667, within(1e-5));
        assertThat(spread.format("%.2f")).isEqualTo("0.80 (0.76–0.83)");
        assertThat(Spread.of(List.of(41_862.4)).format("%,.0f")).isEqualTo("41,862");
        assertThatThrownBy(() -> Spread.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ratios_are_prism_over_the_other_in_records_per_second_and_in_cpu_per_record() {
        // 1,000,000 records: 25 s and 40 CPU s against 20 s and 25 CPU s
        Ratios ratios = Ratios.of(result(Benchmark.PRISM, 1, 25, 40), result(Benchmark.HAND_WRITTEN, 1, 20, 25));

        assertThat(ratios.recordsPerSecond()).isCloseTo(0.8, within(1e-9));
        assertThat(ratios.cpuPerRecord()).isCloseTo(1.6, within(1e-9));
    }

    @Test
    void rounds_pair_each_prism_run_with_the_others_of_its_own_round() {
        List<Result> results = twoRounds(history(30_000, 40, 3_650, 3_650));

        Rounds rounds = Rounds.of(results, Benchmark.INTERLEAVED);

        assertThat(rounds.count()).isEqualTo(2);
        assertThat(rounds.contestants()).containsOnlyKeys(Benchmark.HAND_WRITTEN, Benchmark.PRISM);
        Rounds.Contestant handWritten = rounds.contestants().get(Benchmark.HAND_WRITTEN);
        assertThat(handWritten.recordsPerSecond()).isEqualTo(new Spread(2, 40_000, 50_000, 45_000));
        assertThat(handWritten.cpuSecondsPerMillionRecords()).isEqualTo(new Spread(2, 25, 30, 27.5));
        Rounds.Comparison toHandWritten = rounds.prismTo(Benchmark.HAND_WRITTEN).orElseThrow();
        // round 1: 40,000 / 50,000 and 40 / 25; round 2: 40,000 / 40,000 and 36 / 30
        assertThat(toHandWritten.byRound()).containsOnlyKeys(1, 2);
        assertThat(toHandWritten.byRound().get(1).recordsPerSecond()).isCloseTo(0.8, within(1e-9));
        assertThat(toHandWritten.byRound().get(2).cpuPerRecord()).isCloseTo(1.2, within(1e-9));
        assertThat(toHandWritten.recordsPerSecond().mean()).isCloseTo(0.9, within(1e-9));
        assertThat(toHandWritten.recordsPerSecond().min()).isCloseTo(0.8, within(1e-9));
        assertThat(toHandWritten.cpuPerRecord().mean()).isCloseTo(1.4, within(1e-9));
        assertThat(toHandWritten.cpuPerRecord().max()).isCloseTo(1.6, within(1e-9));
        assertThat(rounds.prismTo(Benchmark.READ_LIMIT)).isEmpty();

        Benchmark.Report report = new Benchmark.Report(results, Path.of("results.json"));
        assertThat(report.prismTo(Benchmark.HAND_WRITTEN).orElseThrow().cpuPerRecord()).isCloseTo(1.4,
                within(1e-9));
        assertThat(report.result(Benchmark.PRISM, Benchmark.INTERLEAVED).round()).isEqualTo(1);
    }

    @Test
    void rounds_serialize_to_json_with_the_ratios_of_each_round() throws Exception {
        Rounds rounds = Rounds.of(List.of(result(Benchmark.HAND_WRITTEN, 1, 20, 25),
                result(Benchmark.PRISM, 1, 25, 40)), Benchmark.INTERLEAVED);

        JsonNode json = new ObjectMapper().valueToTree(rounds);

        assertThat(json.path("count").asInt()).isEqualTo(1);
        assertThat(json.path("prismTo").path("hand-written").path("byRound").path("1").path("cpuPerRecord")
                .asDouble()).isCloseTo(1.6, within(1e-9));
        assertThat(json.path("contestants").path("Prism LTS").path("recordsPerSecond").path("mean").asDouble())
                .isCloseTo(40_000, within(1e-6));
    }

    @Test
    void files_per_day_counts_the_day_folders_of_the_keys() {
        List<String> keys = List.of(
                "topics/history/year=2009/month=01/day=01/history+0+0000000000.avro",
                "topics/history/year=2009/month=01/day=01/history+0+0000000917.avro",
                "topics/history/year=2009/month=01/day=02/history+0+0000000003.avro",
                "topics/history/year=2019/month=12/day=31/history+0+0000000001.avro");

        assertThat(MeasuredRun.days(keys)).isEqualTo(3);
        assertThat(history(30_000, 40, 8_816, 3_650).filesPerDay()).isCloseTo(2.4153, within(1e-4));
        assertThat(result(Benchmark.READ_LIMIT, 1, 5, 3).filesPerDay()).isNull();
    }

    @Test
    void the_final_wait_is_the_time_from_reading_every_record_to_the_last_commit() {
        Result history = history(30_000, 45, 3_650, 3_650);

        assertThat(history.recordsPerSecondUntilAllRead()).isCloseTo(365_000 / 14.0, within(1e-6));
        assertThat(history.finalWaitSeconds()).isCloseTo(31, within(1e-9));
        assertThat(result(Benchmark.HAND_WRITTEN, 1, 20, 25).finalWaitSeconds()).isNull();
    }

    @Test
    void prism_has_read_everything_when_every_record_is_archived_or_in_an_open_batch_and_none_waits() {
        assertThat(Benchmark.PrismReport.parse("3650 67108864\n 300000 65000 0\n").allRead(365_000)).isTrue();
        assertThat(Benchmark.PrismReport.parse("3650 67108864 300000 64000 0").allRead(365_000)).isFalse();
        assertThat(Benchmark.PrismReport.parse("3650 67108864 300000 64750 1").allRead(365_000)).isFalse();
        assertThat(Benchmark.PrismReport.parse("3650 67108864 300000 65000 0").mostOpenBytes()).isEqualTo(67108864);
        assertThatThrownBy(() -> Benchmark.PrismReport.parse("3650 67108864"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_table_gives_both_ratios_the_spread_over_rounds_and_files_per_day() {
        List<Result> results = twoRounds(history(30_000, 45, 3_942, 3_650));

        String table = ResultTable.format(new Benchmark.Report(results, Path.of("results.json")));

        assertThat(table).contains("  hand-written #2 ", "  Prism LTS #1 ")
                .contains("Over 2 rounds, mean (min–max):")
                .contains("  hand-written      45,000 (40,000–50,000) records/s, 27.5 (25.0–30.0) CPU s/M records")
                .contains("  Prism LTS / hand-written: 0.90 (0.80–1.00) in records/s, 1.40 (1.20–1.60)× the CPU"
                        + " per record")
                .contains("  Prism LTS / read limit: -")
                .contains("quiet period 30,000 ms (shipped)")
                .contains("  Prism LTS read every record in 14.0 s (26,071 records/s); then 31.0 s for the last"
                        + " batches: their quiet period of 30,000 ms, uploads and commits");
        String historyRow = table.lines().filter(line -> line.startsWith("  Prism LTS ") && line.contains("3,942"))
                .findFirst().orElseThrow();
        assertThat(historyRow).contains(" 1.08 ");

        String single = ResultTable.format(new Benchmark.Report(results.subList(0, 2), Path.of("results.json")));
        assertThat(single).doesNotContain("rounds").contains("  hand-written ")
                .contains("Prism LTS / hand-written: 0.80 in records/s, 1.60× the CPU per record");
    }

    /** One million records of the interleaved scenario in {@code seconds}, with {@code cpuSeconds} of CPU. */
    /** Two rounds of the interleaved scenario, hand-written then Prism LTS in each, and {@code history}. */
    private static List<Result> twoRounds(Result history) {
        return List.of(
                result(Benchmark.HAND_WRITTEN, 1, 20, 25), result(Benchmark.PRISM, 1, 25, 40),
                result(Benchmark.HAND_WRITTEN, 2, 25, 30), result(Benchmark.PRISM, 2, 25, 36),
                history);
    }

    private static Result result(String run, int round, double seconds, double cpuSeconds) {
        boolean writes = !run.equals(Benchmark.READ_LIMIT);
        return new Result(run, Benchmark.INTERLEAVED, 1_000_000, 206_000_000, seconds, cpuSeconds,
                Map.of("application", cpuSeconds), 1.6, 7.5, 355L << 20, 318L << 20, 686L << 20,
                writes ? 4_100 : 0, writes ? 1_000_000 : 0, -1, -1, round, writes ? 30 : 0, 1_000,
                run.equals(Benchmark.PRISM) ? seconds - 1 : -1);
    }

    /** 365,000 records of history, every one read after 14 s, all committed after {@code seconds}. */
    private static Result history(long quietMs, double seconds, long files, long days) {
        return new Result(Benchmark.PRISM, Benchmark.HISTORY, 365_000, 75_000_000, seconds, 23, Map.of(), 1, 3,
                223L << 20, 222L << 20, 502L << 20, files, 365_000, 3_650, 64L << 20, 1, days, quietMs, 14);
    }
}
