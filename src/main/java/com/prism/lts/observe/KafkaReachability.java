package com.prism.lts.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.prism.lts.config.InvalidSettingsException;
import com.prism.lts.security.KafkaAccess;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the brokers, when the archive starts and then at {@code prism.kafka.check-interval-ms}, whether any of them
 * answers and lets this replica in, with the Kafka client options of the archive's consumers (security included).
 * When none does it says so in Prism's words, once, then again at {@code prism.kafka.unreachable-log-interval-ms} with
 * how long it has lasted, and once more when Kafka is back; readiness stays down meanwhile ({@link KafkaReadiness}). The Kafka client's own warnings, one per connection attempt
 * several times a second, are left out of the log ({@code log4j2.properties}).
 */
public final class KafkaReachability extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReachability.class);

    private final String bootstrapServers;
    private final Duration checkInterval;
    private final Duration logInterval;
    private final Clock clock;
    private CamelContext context;
    private ScheduledExecutorService checks;
    private volatile Admin admin;
    private volatile Instant unreachableSince;
    /** Why Kafka refuses this replica, while it does; null while it merely does not answer. */
    private volatile String refusal;
    private Instant lastSaid;

    public KafkaReachability(String bootstrapServers, Duration checkInterval, Duration logInterval, Clock clock) {
        this.bootstrapServers = bootstrapServers;
        this.checkInterval = checkInterval;
        this.logInterval = logInterval;
        this.clock = clock;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /** Why the archive cannot read, while no broker answers or lets this replica in. */
    public Optional<String> problem() {
        Instant since = unreachableSince;
        String reason = refusal;
        return since == null ? Optional.empty() : Optional.of(reason != null ? reason + ", since "
                + since.truncatedTo(ChronoUnit.SECONDS) : "Kafka cannot be reached at " + bootstrapServers + " since "
                + since.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Asks once, when the archive's beans are made, before any route starts (Camel would start this service only
     * once the routes run, and not stop for its failure): refused credentials or certificates are settings to fix, so
     * the start stops and says which (exit code 2); an unreachable Kafka is a fault, said and waited for. The checks
     * that follow make their client anew, with every option of the Kafka component bound by then.
     */
    @Override
    protected void doStart() {
        Optional<KafkaAccess.Answer> first = ask();
        closeAdmin();
        if (first.isPresent() && first.get().refused()) {
            throw new InvalidSettingsException(List.of(first.get().said()));
        }
        first.ifPresent(this::report);
        checks = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "PrismKafkaCheck");
        checks.scheduleWithFixedDelay(this::check, checkInterval.toMillis(), checkInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        context.getExecutorServiceManager().shutdownNow(checks);
        closeAdmin();
    }

    private void closeAdmin() {
        Admin client = admin;
        admin = null;
        if (client != null) {
            client.close(Duration.ZERO);
        }
    }

    private void check() {
        ask().ifPresent(this::report);
    }

    /** Kafka's answer; empty when stopping, or when no client could be made (said as unreachable). */
    private Optional<KafkaAccess.Answer> ask() {
        Properties options = clientOptions();
        Map<String, Object> properties = new HashMap<>();
        options.forEach((name, value) -> properties.put(name.toString(), value));
        try {
            Admin client = admin;
            if (client == null) {
                client = Admin.create(options);
                admin = client;
                if (!isRunAllowed()) {
                    // made while stopping, after doStop looked
                    client.close(Duration.ZERO);
                    return Optional.empty();
                }
            }
            KafkaAccess.Answer answer = KafkaAccess.ask(client, properties, checkInterval, Function.identity());
            // interrupted: stopping, which is no news about Kafka
            return Thread.currentThread().isInterrupted() ? Optional.empty() : Optional.of(answer);
        } catch (KafkaException e) {
            // the client could not even be made, e.g. no bootstrap server name resolves: try again next time
            unanswered(e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
            return Optional.empty();
        }
    }

    private void report(KafkaAccess.Answer answer) {
        if (answer.letIn()) {
            answered();
        } else if (answer.refused()) {
            refused(answer.said());
        } else {
            unanswered(null);
        }
    }

    /** Kafka answers, but will not let this replica in (its credentials or certificate): said as such. */
    private void refused(String why) {
        Instant now = clock.instant();
        if (unreachableSince == null || refusal == null) {
            unreachableSince = now;
            lastSaid = now;
            refusal = why;
            LOG.warn("{}: nothing is read or committed, and this replica is not ready, until it lets this replica in",
                    why);
        } else if (!now.isBefore(lastSaid.plus(logInterval))) {
            lastSaid = now;
            LOG.warn("{}, since {} ({} ago)", why, unreachableSince.truncatedTo(ChronoUnit.SECONDS),
                    lasted(unreachableSince));
        }
    }

    private void answered() {
        Instant since = unreachableSince;
        if (since != null) {
            unreachableSince = null;
            LOG.info("Kafka at {} answers again, after {} {}; the archive reads on", bootstrapServers, lasted(since),
                    refusal == null ? "unreachable" : "refusing this replica");
            refusal = null;
        }
    }

    private void unanswered(String reason) {
        Instant now = clock.instant();
        String why = reason == null ? "no broker answered within " + checkInterval.toMillis() + " ms" : reason;
        if (unreachableSince == null || refusal != null) {
            refusal = null;
            unreachableSince = now;
            lastSaid = now;
            LOG.warn("Kafka cannot be reached at {} ({}): nothing is read or committed, and this replica is not"
                    + " ready, until a broker answers", bootstrapServers, why);
        } else if (!now.isBefore(lastSaid.plus(logInterval))) {
            lastSaid = now;
            LOG.warn("Kafka still cannot be reached at {}, since {} ({} ago): {}", bootstrapServers,
                    unreachableSince.truncatedTo(ChronoUnit.SECONDS), lasted(unreachableSince), why);
        }
    }

    private String lasted(Instant since) {
        return Duration.between(since, clock.instant()).truncatedTo(ChronoUnit.SECONDS).toString().substring(2)
                .toLowerCase(Locale.ROOT);
    }

    /** The options camel-kafka gives the archive's consumers that an admin client knows, security included. */
    private Properties clientOptions() {
        Properties consumer = context.getComponent("kafka", KafkaComponent.class).getConfiguration()
                .createConsumerProperties();
        Properties options = new Properties();
        consumer.stringPropertyNames().stream().filter(AdminClientConfig.configNames()::contains)
                .forEach(name -> options.put(name, consumer.get(name)));
        options.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        options.put(AdminClientConfig.CLIENT_ID_CONFIG, "prism-lts-reachability");
        return options;
    }
}
