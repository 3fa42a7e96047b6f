package com.prism.lts.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in this JVM whose only client listeners are secured, as a self-run production cluster's are:
 * {@code SASL_SSL} with SCRAM-SHA-512 users ({@link #saslSsl()}) and {@code SSL} that requires a client certificate
 * ({@link #mutualTls()}), both with a server certificate of a {@link PrivateCa} made at start. (Its KRaft controller
 * listener, which clients do not use, stays plain.) The tests' own clients connect over mutual TLS.
 */
public final class SecuredKafka extends KafkaBroker {

    private static final ListenerName SASL_SSL = new ListenerName("SASL_SSL");
    private static final ListenerName MUTUAL_TLS = new ListenerName("SSL");

    private final KafkaClusterTestKit cluster;
    private final PrivateCa ca;
    private final Path files;

    private SecuredKafka(KafkaClusterTestKit cluster, PrivateCa ca, Path files, Map<String, Object> client) {
        super(client);
        this.cluster = cluster;
        this.ca = ca;
        this.files = files;
    }

    /** Starts the broker with a server certificate that {@code ca} signs. */
    public static SecuredKafka start(PrivateCa ca) {
        try {
            Path files = Files.createTempDirectory("prism-secured-kafka");
            PrivateCa.Issued server = ca.issue("localhost");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBrokerListenerName(SASL_SSL)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            SINGLE_NODE_CONFIG.forEach(builder::setConfigProp);
            Map<String, String> secured = new HashMap<>();
            secured.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT");
            secured.put("listeners", "SASL_SSL://localhost:0,SSL://localhost:0,CONTROLLER://localhost:0");
            secured.put("inter.broker.listener.name", "SSL");
            secured.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            secured.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            secured.put("listener.name.ssl.ssl.client.auth", "required");
            secured.put("ssl.keystore.type", "PEM");
            secured.put("ssl.keystore.certificate.chain", server.certificatePem());
            secured.put("ssl.keystore.key", server.keyPem());
            secured.put("ssl.truststore.type", "PEM");
            secured.put("ssl.truststore.certificates", ca.certificatePem());
            secured.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            int port = cluster.brokers().values().iterator().next().boundPort(MUTUAL_TLS);
            PrivateCa.Issued tests = ca.issue("tests");
            Map<String, Object> client = new HashMap<>(Map.of(
                    "bootstrap.servers", "localhost:" + port,
                    "security.protocol", "SSL",
                    "ssl.truststore.type", "PEM",
                    "ssl.truststore.certificates", ca.certificatePem(),
                    "ssl.keystore.type", "PEM",
                    "ssl.keystore.certificate.chain", tests.certificatePem(),
                    "ssl.keystore.key", tests.keyPem()));
            return new SecuredKafka(cluster, ca, files, client);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the secured Kafka broker", e);
        }
    }

    /** The {@code SASL_SSL} listener (SCRAM-SHA-512), as bootstrap servers. */
    public String saslSsl() {
        return "localhost:" + cluster.brokers().values().iterator().next().boundPort(SASL_SSL);
    }

    /** The {@code SSL} listener that requires a client certificate, as bootstrap servers. */
    public String mutualTls() {
        return bootstrapServers();
    }

    public PrivateCa ca() {
        return ca;
    }

    /** A folder for the certificates and keys a test writes; deleted on close. */
    public Path files() {
        return files;
    }

    /** Creates a SCRAM-SHA-512 user; returns once the broker lets it in. */
    public void createUser(String name, String password) {
        try {
            admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("could not create user " + name, e);
        }
        Map<String, Object> user = Map.of("bootstrap.servers", saslSsl(), "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + name
                        + "\" password=\"" + password + "\";",
                "ssl.truststore.type", "PEM", "ssl.truststore.certificates", ca.certificatePem());
        try (Admin admin = Admin.create(user)) {
            // the broker learns of the user from the metadata log, a moment after the controller took it
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> !admin.describeCluster().nodes().get().isEmpty());
        }
    }

    @Override
    public void close() {
        super.close();
        try {
            cluster.close();
            try (var paths = Files.walk(files)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not delete " + files, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the Kafka broker", e);
        }
    }
}
