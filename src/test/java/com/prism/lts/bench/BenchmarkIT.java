package com.prism.lts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.write.Provenance;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.junit.jupiter.api.Test;

/**
 * A small run of the whole benchmark, so that it never rots. It asserts what must hold however fast the machine is:
 * every record archived and committed, by each contestant in each round, and the results written. Never how fast.
 */
class BenchmarkIT {

    static final Path DIRECTORY = Path.of("target", "bench-smoke");

    @Test
    void a_small_run_of_both_scenarios_archives_and_commits_every_record_and_writes_the_results() throws IOException {
        Benchmark.Report report = Benchmark.run(new Benchmark.Options(12_000, 3_000, "512m", DIRECTORY, false,
                Duration.ofMinutes(5), Benchmark.Options.ALL_RUNS, 2), System.out);

        assertThat(report.results()).extracting(Result::run).containsExactly(Benchmark.READ_LIMIT,
                Benchmark.HAND_WRITTEN, Benchmark.PRISM, Benchmark.READ_LIMIT, Benchmark.HAND_WRITTEN,
                Benchmark.PRISM, Benchmark.PRISM);
        assertThat(report.results()).extracting(Result::round).containsExactly(1, 1, 1, 2, 2, 2, 1);
        for (Result result : report.results()) {
            assertThat(result.cpuSeconds()).as(result.run()).isPositive();
            assertThat(result.peakRssBytes()).as(result.run()).isPositive();
            assertThat(result.recordsPerSecond()).as(result.run()).isPositive();
        }
        Set<String> sent = allOffsets(12_000, Benchmark.PARTITIONS);
        for (int round = 1; round <= 2; round++) {
            assertThat(archivedOffsets(Benchmark.bucket(Benchmark.HAND_WRITTEN, Benchmark.TOPIC, round)))
                    .as("round " + round).isEqualTo(sent);
            assertThat(archivedOffsets(Benchmark.bucket(Benchmark.PRISM, Benchmark.TOPIC, round)))
                    .as("round " + round).isEqualTo(sent);
        }
        assertThat(archivedOffsets(Benchmark.bucket(Benchmark.PRISM, Benchmark.HISTORY_TOPIC)))
                .isEqualTo(allOffsets(3_000, 1));
        Result history = report.result(Benchmark.PRISM, Benchmark.HISTORY);
        assertThat(history.archivedRecords()).isEqualTo(3_000);
        assertThat(history.mostOpenBatches()).isBetween(1L, Long.parseLong(Benchmark.HISTORY_MAX_OPEN_BATCHES));
        // history keeps the shipped quiet period; its files are counted per day they are filed under
        assertThat(history.quietMs()).isEqualTo(Long.parseLong(Benchmark.SHIPPED_QUIET_MS));
        assertThat(history.days()).isEqualTo(dayFolders(Benchmark.bucket(Benchmark.PRISM, Benchmark.HISTORY_TOPIC)));
        assertThat(history.files()).isGreaterThanOrEqualTo(history.days());
        assertThat(history.readAllSeconds()).isPositive().isLessThanOrEqualTo(history.seconds());
        assertThat(report.result(Benchmark.HAND_WRITTEN, Benchmark.INTERLEAVED).readAllSeconds()).isEqualTo(-1);
        assertThat(report.result(Benchmark.PRISM, Benchmark.INTERLEAVED).quietMs())
                .isEqualTo(Long.parseLong(Benchmark.QUIET_MS));

        JsonNode written = new ObjectMapper().readTree(report.file().toFile());
        assertThat(written.path("results")).hasSize(7);
        assertThat(written.path("rounds").asInt()).isEqualTo(2);
        assertThat(written.path("prismToHandWritten").asDouble()).isPositive();
        assertThat(written.path("prismToHandWrittenCpu").asDouble()).isPositive();
        assertThat(written.path("interleaved").path("prismTo").path(Benchmark.HAND_WRITTEN).path("byRound"))
                .hasSize(2);
        assertThat(written.path("results").get(6).path("filesPerDay").asDouble()).isGreaterThanOrEqualTo(1);
    }

    /** Every record's offset, as "partition/offset": records of the data sets go round-robin over the partitions. */
    private static Set<String> allOffsets(long records, int partitions) {
        Set<String> offsets = new HashSet<>();
        LongStream.range(0, records).forEach(i -> offsets.add(i % partitions + "/" + i / partitions));
        return offsets;
    }

    /** The offsets named in the headers of the files left in {@code bucket}, read straight from disk. */
    private static Set<String> archivedOffsets(String bucketName) throws IOException {
        Path bucket = bucketDirectory(bucketName);
        Set<String> offsets = new HashSet<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(bucket)) {
            files = walk.filter(file -> file.toString().endsWith(".avro")).toList();
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file);
                    DataFileStream<Object> stream = new DataFileStream<>(in, new GenericDatumReader<>())) {
                Provenance provenance = Provenance.of(stream);
                for (long offset : provenance.offsets()) {
                    assertThat(offsets.add(provenance.partition() + "/" + offset)).as("archived once: " + file)
                            .isTrue();
                }
            }
        }
        return offsets;
    }

    /** The day folders ({@code .../year=2009/month=01/day=01}) holding files in {@code bucket}, read from disk. */
    private static long dayFolders(String bucketName) throws IOException {
        try (Stream<Path> walk = Files.walk(bucketDirectory(bucketName))) {
            return walk.filter(file -> file.toString().endsWith(".avro")).map(Path::getParent).distinct().count();
        }
    }

    private static Path bucketDirectory(String bucket) {
        return DIRECTORY.resolve("s3").resolve("objects").resolve(bucket);
    }
}
