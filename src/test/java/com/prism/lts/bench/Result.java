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
 * @param round             which round of the scenario this was, from 1 ({@code --repeat})
 * @param days              the days the files are filed under (distinct day folders in the bucket), 0 for none
 * @param quietMs           the contestant's {@code prism.flush.quiet-ms}: how long a batch that stopped growing waits
 * @param readAllSeconds    from launch until every record had been read and was in S3 or in an open batch, so that
 *                          what remained was waiting for quiet periods and the last uploads and commits; -1 where the
 *                          contestant does not tell
 */
record Result(String run, String scenario, long records, long valueBytes, double seconds, double cpuSeconds,
        Map<String, Double> cpuByThreads, double brokerCpuSeconds, double s3CpuSeconds, long peakHeapBytes,
        long heapAfterGcBytes, long peakRssBytes, long files, long archivedRecords, long mostOpenBatches,
        long mostOpenBytes, int round, long days, long quietMs, double readAllSeconds) {

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

    /** Files over the days they are filed under; null for a contestant that writes none. */
    @JsonProperty
    Double filesPerDay() {
        return days == 0 ? null : (double) files / days;
    }

    /** Records per second until every record had been read ({@link #readAllSeconds}); null where unknown. */
    @JsonProperty
    Double recordsPerSecondUntilAllRead() {
        return readAllSeconds <= 0 ? null : records / readAllSeconds;
    }

    /**
     * From the moment every record had been read until the last was committed: mostly the quiet period of the last
     * batches of each day; null where unknown.
     */
    @JsonProperty
    Double finalWaitSeconds() {
        return readAllSeconds < 0 ? null : seconds - readAllSeconds;
    }
}
