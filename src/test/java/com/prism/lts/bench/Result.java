package com.prism.lts.bench;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one contestant did with one data set. Throughput counts from the moment its JVM was launched until every
 * record was committed: start-up is part of the job.
 *
 * @param cpuSeconds        CPU time of the contestant's JVM, start-up included
 * @param cpuByThreads      the same, by kind of thread (application, GC, JIT)
 * @param brokerCpuSeconds  CPU time the broker spent meanwhile, serving it
 * @param s3CpuSeconds      CPU time the S3 server spent meanwhile, serving it
 * @param mostOpenBatches   the most batches open at once, -1 where the contestant does not tell
 * @param mostOpenBytes     the most event bytes open batches held at once, -1 where the contestant does not tell
 */
record Result(String run, String scenario, long records, long valueBytes, double seconds, double cpuSeconds,
        Map<String, Double> cpuByThreads, double brokerCpuSeconds, double s3CpuSeconds, long peakHeapBytes,
        long heapAfterGcBytes, long peakRssBytes, long files, long archivedRecords, long mostOpenBatches,
        long mostOpenBytes) {

    @JsonProperty
    double recordsPerSecond() {
        return records / seconds;
    }

    /** Megabytes (10^6 bytes) of record values per second. */
    @JsonProperty
    double megabytesPerSecond() {
        return valueBytes / 1e6 / seconds;
    }

    @JsonProperty
    double cpuSecondsPerMillionRecords() {
        return cpuSeconds / (records / 1e6);
    }

    @JsonProperty
    double brokerCpuSecondsPerMillionRecords() {
        return brokerCpuSeconds / (records / 1e6);
    }

    @JsonProperty
    double s3CpuSecondsPerMillionRecords() {
        return s3CpuSeconds / (records / 1e6);
    }

    @JsonProperty
    double putsPerSecond() {
        return files / seconds;
    }
}
