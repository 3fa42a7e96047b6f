package com.prism.lts.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One scenario's figures over its rounds ({@code ./benchmark --repeat N}): each contestant's records/s and CPU seconds
 * per million records, spread over the rounds; and Prism LTS's ratios to each other contestant, round by round (both
 * ran on the same data, one right after the other) and spread over the rounds.
 *
 * @param count       how many rounds the scenario ran
 * @param contestants by contestant, in the order they ran
 * @param prismTo     by the other contestant: Prism LTS / that contestant
 */
record Rounds(int count, Map<String, Contestant> contestants, Map<String, Comparison> prismTo) {

    /** One contestant over the rounds. */
    record Contestant(Spread recordsPerSecond, Spread cpuSecondsPerMillionRecords) {
    }

    /** Prism LTS / another contestant: the ratios of each round in which both ran, and their spread. */
    record Comparison(Map<Integer, Ratios> byRound, Spread recordsPerSecond, Spread cpuPerRecord) {
    }

    static Rounds of(List<Result> results, String scenario) {
        List<Result> ran = results.stream().filter(r -> r.scenario().equals(scenario)).toList();
        Map<String, List<Result>> byRun = ran.stream().collect(
                Collectors.groupingBy(Result::run, LinkedHashMap::new, Collectors.toList()));
        Map<String, Contestant> contestants = new LinkedHashMap<>();
        byRun.forEach((run, runs) -> contestants.put(run, new Contestant(
                Spread.of(runs.stream().map(Result::recordsPerSecond).toList()),
                Spread.of(runs.stream().map(Result::cpuSecondsPerMillionRecords).toList()))));
        Map<String, Comparison> prismTo = new LinkedHashMap<>();
        Map<Integer, Result> prismByRound = byRound(byRun.getOrDefault(Benchmark.PRISM, List.of()));
        byRun.forEach((run, runs) -> {
            if (run.equals(Benchmark.PRISM)) {
                return;
            }
            Map<Integer, Ratios> ratios = new TreeMap<>();
            byRound(runs).forEach((round, other) -> Optional.ofNullable(prismByRound.get(round))
                    .ifPresent(prism -> ratios.put(round, Ratios.of(prism, other))));
            if (!ratios.isEmpty()) {
                prismTo.put(run, new Comparison(ratios,
                        Spread.of(ratios.values().stream().map(Ratios::recordsPerSecond).toList()),
                        Spread.of(ratios.values().stream().map(Ratios::cpuPerRecord).toList())));
            }
        });
        int count = ran.stream().mapToInt(Result::round).max().orElse(0);
        return new Rounds(count, contestants, prismTo);
    }

    /** Prism LTS / {@code run}, if both ran in at least one round. */
    Optional<Comparison> prismTo(String run) {
        return Optional.ofNullable(prismTo.get(run));
    }

    private static Map<Integer, Result> byRound(List<Result> runs) {
        Map<Integer, Result> byRound = new TreeMap<>();
        runs.forEach(r -> byRound.put(r.round(), r));
        return byRound;
    }
}
