package com.prism.lts.observe;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What holds a partition's commits and will not pass by itself: a step of the route that keeps failing for a poll, a
 * record the dead-letter topic refuses for good (too large for it), a file that must be read to settle a taken key but
 * sits in an archive storage class. Prism LTS neither skips nor drops such a record: it keeps trying, says why at
 * ERROR, and is not ready while it lasts ({@code prism_stuck} counts them, and an alert rule fires), so that an
 * operator fixes the cause. Each is cleared when its record moves on.
 */
public final class Stuck extends AbstractHealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(Stuck.class);

    private final Map<String, String> reasons = new ConcurrentHashMap<>();

    public Stuck() {
        super("prism", "stuck");
    }

    /** {@code what} (a partition, a record) cannot move on, for {@code reason}; said once. */
    public void report(String what, String reason) {
        if (!reason.equals(reasons.put(what, reason))) {
            LOG.error("{} cannot move on until this is fixed: {}", what, reason);
        }
    }

    /** {@code what} moved on. */
    public void clear(String what) {
        if (reasons.remove(what) != null) {
            LOG.info("{} moves on again", what);
        }
    }

    /** What is stuck now, and why. */
    public Map<String, String> now() {
        return new TreeMap<>(reasons);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, String> now = now();
        if (now.isEmpty()) {
            builder.up();
            return;
        }
        StringBuilder message = new StringBuilder();
        now.forEach((what, why) -> message.append(message.isEmpty() ? "" : "; ").append(what).append(": ")
                .append(why));
        builder.message(message.toString());
        builder.down();
    }
}
