package com.prism.lts.observe;

import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Ready only while a Kafka broker answers and once every Kafka consumer has joined its group, whether or not it was
 * given partitions: a replica with nothing to do while the group has more replicas than partitions is still a healthy
 * member.
 */
public final class KafkaReadiness extends AbstractHealthCheck {

    private final BooleanSupplier joined;
    private final KafkaReachability reachability;

    public KafkaReadiness(BooleanSupplier joined, KafkaReachability reachability) {
        super("prism", "kafka-group");
        this.joined = joined;
        this.reachability = reachability;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Optional<String> unreachable = reachability.problem();
        if (unreachable.isPresent()) {
            builder.message(unreachable.get());
            builder.down();
        } else if (joined.getAsBoolean()) {
            builder.up();
        } else {
            builder.message("the Kafka consumers have not joined their group yet");
            builder.down();
        }
    }
}
