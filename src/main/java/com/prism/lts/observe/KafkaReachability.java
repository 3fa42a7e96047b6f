package com.prism.lts.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the brokers, at {@code prism.kafka.check-interval-ms}, whether any of them answers, with the Kafka client
 * options of the archive's consumers (security included). When none does it says so in Prism's words, once, then again
 * at {@code prism.kafka.unreachable-log-interval-ms} with how long it has lasted, and once more when Kafka is back;
 * readiness stays down meanwhile ({@link KafkaReadiness}). The Kafka client's own warnings, one per connection attempt
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

    /** Why the archive cannot read, while no broker answers. */
    public Optional<String> problem() {
        Instant since = unreachableSince;
        return since == null ? Optional.empty() : Optional.of("Kafka cannot be reached at " + bootstrapServers
                + " since " + since.truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    protected void doStart() {
        checks = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "PrismKafkaCheck");
        checks.scheduleWithFixedDelay(this::check, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        context.getExecutorServiceManager().shutdownNow(checks);
        Admin client = admin;
        admin = null;
        if (client != null) {
            client.close(Duration.ZERO);
        }
    }

    private void check() {
        try {
            Admin client = admin;
            if (client == null) {
                client = Admin.create(clientOptions());
                admin = client;
                if (!isRunAllowed()) {
                    // made while stopping, after doStop looked
                    client.close(Duration.ZERO);
                    return;
                }
            }
            client.describeCluster(new DescribeClusterOptions().timeoutMs((int) checkInterval.toMillis())).nodes()
                    .get(checkInterval.toMillis() * 2, TimeUnit.MILLISECONDS);
            answered();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            unanswered(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException ? null
                    : e.getCause().getMessage());
        } catch (TimeoutException e) {
            unanswered(null);
        } catch (KafkaException e) {
            // the client could not even be made, e.g. no bootstrap server name resolves: try again next time
            unanswered(e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
        }
    }

    private void answered() {
        Instant since = unreachableSince;
        if (since != null) {
            unreachableSince = null;
            LOG.info("Kafka at {} answers again, after {} unreachable; the archive reads on", bootstrapServers,
                    lasted(since));
        }
    }

    private void unanswered(String reason) {
        Instant now = clock.instant();
        String why = reason == null ? "no broker answered within " + checkInterval.toMillis() + " ms" : reason;
        if (unreachableSince == null) {
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
