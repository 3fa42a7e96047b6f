package com.prism.lts.bench;

import java.util.Collection;
import java.util.DoubleSummaryStatistics;

/**
 * How a figure varied over repeated runs: how many runs, the least, the most and the mean.
 *
 * @param runs how many values it summarises, at least 1
 */
record Spread(int runs, double min, double max, double mean) {

    static Spread of(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to spread");
        }
        DoubleSummaryStatistics statistics = values.stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return new Spread(values.size(), statistics.getMin(), statistics.getMax(), statistics.getAverage());
    }

    /**
     * The mean, then the least and the most in brackets when there was more than one run: {@code 0.79 (0.76–0.83)}.
     *
     * @param format how to write each number, e.g. {@code "%.2f"} or {@code "%,.0f"}
     */
    String format(String format) {
        String mean = String.format(format, this.mean);
        return runs == 1 ? mean
                : mean + " (" + String.format(format, min) + "–" + String.format(format, max) + ")";
    }
}
