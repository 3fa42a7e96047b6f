package com.prism.lts.observe;

import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Ready only once every Kafka consumer has joined its group, whether or not it was given partitions: a replica with
 * nothing to do while the group has more replicas than partitions is still a healthy member.
 */
public final class KafkaReadiness extends AbstractHealthCheck {

    private final BooleanSupplier joined;

    public KafkaReadiness(BooleanSupplier joined) {
        super("prism", "kafka-group");
        this.joined = joined;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (joined.getAsBoolean()) {
            builder.up();
        } else {
            builder.message("the Kafka consumers have not joined their group yet");
            builder.down();
        }
    }
}
