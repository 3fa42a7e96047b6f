package com.prism.lts.config;

/** How transient faults are retried ({@code prism.retry.*}): a first delay, doubled after each failure, capped. */
public record Backoff(long initialDelayMs, long maxDelayMs) {

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
