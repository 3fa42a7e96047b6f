package com.prism.lts.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks Kafka whether it lets a client in: one describe-cluster call, with the client's security. The archiver asks
 * when it starts (refused credentials stop the start) and then at {@code prism.kafka.check-interval-ms}; the tools
 * ask before their first real request.
 */
public final class KafkaAccess {

    /** What Kafka said: let in, refused (credentials, certificates) or nothing in time; {@code said} in words. */
    public record Answer(boolean letIn, boolean refused, String said) {
    }

    private KafkaAccess() {
    }

    /**
     * @param admin  an admin client made from {@code client}
     * @param client the client's properties, bootstrap servers and security included (for the words of a failure)
     */
    public static Answer ask(Admin admin, Map<String, ?> client, Duration timeout, Function<String, String> shownAs) {
        String servers = String.valueOf(client.get("bootstrap.servers"));
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes()
                    .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            return new Answer(true, false, "Kafka at " + servers + " answers");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(false, false, "interrupted while asking Kafka at " + servers);
        } catch (ExecutionException e) {
            return new Answer(false, KafkaFailures.isRefusal(e.getCause()),
                    KafkaFailures.describe(e.getCause(), servers, client, shownAs));
        } catch (java.util.concurrent.TimeoutException e) {
            return new Answer(false, false, KafkaFailures.describe(new org.apache.kafka.common.errors.TimeoutException(
                    e), servers, client, shownAs));
        }
    }
}
