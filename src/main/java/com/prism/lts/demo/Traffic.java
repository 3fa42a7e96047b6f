package com.prism.lts.demo;

import java.time.LocalDate;

/**
 * A run of demo traffic: {@code count} events on {@code topic}, their {@code metric_date}s spread over {@code days}
 * days from {@code firstDay}, spread evenly over {@code partitions} partitions, at most {@code rate} events a second
 * (0 for no limit). The same seed gives the same events.
 */
public record Traffic(String topic, long count, int days, LocalDate firstDay, int partitions, double rate, long seed) {

    public DemoEvents events() {
        return new DemoEvents(firstDay, days, seed);
    }

    public LocalDate lastDay() {
        return firstDay.plusDays(days - 1L);
    }
}
