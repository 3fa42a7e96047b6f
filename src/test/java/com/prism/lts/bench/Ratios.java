package com.prism.lts.bench;

/**
 * Prism LTS against another contestant that archived the same data: its throughput over theirs, and its CPU per
 * record over theirs. A throughput ratio of 0.8 means Prism LTS archived 80 % as many records per second; a CPU ratio
 * of 1.54 means it spent 1.54 times the CPU seconds per record (its JVM's, start-up included).
 *
 * @param recordsPerSecond Prism's records/s over the other's
 * @param cpuPerRecord     Prism's CPU seconds per million records over the other's
 */
record Ratios(double recordsPerSecond, double cpuPerRecord) {

    static Ratios of(Result prism, Result other) {
        return new Ratios(prism.recordsPerSecond() / other.recordsPerSecond(),
                prism.cpuSecondsPerMillionRecords() / other.cpuSecondsPerMillionRecords());
    }
}
