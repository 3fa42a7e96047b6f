package com.prism.lts.demo;

import java.time.LocalDate;
import java.util.concurrent.ThreadLocalRandom;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options that shape demo traffic, the same for {@code send} and the sandbox. */
public final class TrafficOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-t", "--topic"}, descriptionKey = "prism.topics",
            description = "Topic to send to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = {"-n", "--count"}, defaultValue = "10000",
            description = "How many events to send (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--days", defaultValue = "30",
            description = "Spread the events' metric_date over this many days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--first-day", defaultValue = "2018-01-01", paramLabel = "yyyy-MM-dd",
            description = "The earliest metric_date (default: ${DEFAULT-VALUE}).")
    LocalDate firstDay;

    @Option(names = {"-p", "--partitions"}, defaultValue = "3",
            description = "Spread the events evenly over this many partitions; a missing topic is created with as many"
                    + " (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "EVENTS_PER_SECOND",
            description = "Send at most this many events a second on average; 0 sends as fast as Kafka takes them"
                    + " (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seed", description = "The same seed sends the same events (default: a new seed each run).")
    Long seed;

    public Traffic traffic() {
        require(topic != null && !topic.isBlank() && !topic.contains(","), "--topic must name one topic");
        require(count >= 1, "--count must be 1 or more");
        require(days >= 1, "--days must be 1 or more");
        require(partitions >= 1, "--partitions must be 1 or more");
        require(rate >= 0, "--rate must be 0 (no limit) or more");
        return new Traffic(topic.trim(), count, days, firstDay, partitions, rate,
                seed != null ? seed : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    }

    private void require(boolean valid, String message) {
        if (!valid) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
