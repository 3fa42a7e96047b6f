package com.prism.lts.demo;

import java.util.concurrent.TimeUnit;

/**
 * Holds events back to an average rate. Each event has its slot on a fixed schedule from the start, so a sender that
 * was held up catches up to the schedule instead of losing the time for good.
 */
public final class Pace {

    private final double eventsPerSecond;
    private final long startNanos;

    /** {@code eventsPerSecond} 0 sets no limit. */
    public Pace(double eventsPerSecond, long startNanos) {
        this.eventsPerSecond = eventsPerSecond;
        this.startNanos = startNanos;
    }

    /** How long event {@code index} (counting from 0) must still wait at {@code nowNanos}. */
    long waitNanos(long index, long nowNanos) {
        if (eventsPerSecond <= 0) {
            return 0;
        }
        long slot = startNanos + (long) (index * 1e9 / eventsPerSecond);
        return Math.max(0, slot - nowNanos);
    }

    public void await(long index) throws InterruptedException {
        long wait = waitNanos(index, System.nanoTime());
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
