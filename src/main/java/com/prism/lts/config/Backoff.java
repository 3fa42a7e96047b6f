package com.prism.lts.config;

/** How transient faults are retried ({@code prism.retry.*}): a first delay, doubled after each failure, capped. */
public record Backoff(long initialDelayMs, long maxDelayMs) {

    /** The delay before attempt {@code attempt} + 1 of a series, the first attempt being 1. */
    public long delay(int attempt) {
        long delay = initialDelayMs;
        for (int i = 1; i < attempt && delay < maxDelayMs; i++) {
            delay *= 2;
        }
        return Math.min(maxDelayMs, delay);
    }

    /** The delays of one series of retries. */
    public Delays delays() {
        return new Delays();
    }

    /** One series of retries: each call to {@link #next()} gives the delay before the next attempt. */
    public final class Delays {

        private long next = initialDelayMs;

        public long next() {
            long delay = next;
            next = Math.min(maxDelayMs, next * 2);
            return delay;
        }
    }
}
