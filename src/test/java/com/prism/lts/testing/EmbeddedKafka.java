package com.prism.lts.testing;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real single-node Kafka broker (KRaft, broker and controller combined) running in this JVM. */
public final class EmbeddedKafka extends KafkaBroker {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        super(cluster.bootstrapServers());
        this.cluster = cluster;
    }

    public static EmbeddedKafka start() {
        return start(Optional.empty());
    }

    /**
     * Keeps the broker's data under {@code directory}, and deletes it on {@link #close()}, instead of in a temporary
     * folder that a shutdown hook deletes, which a broker still running when the JVM exits cannot survive.
     */
    public static EmbeddedKafka start(Path directory) {
        return start(Optional.of(directory));
    }

    private static EmbeddedKafka start(Optional<Path> directory) {
        try {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1);
            directory.ifPresent(nodes::setBaseDirectory);
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
            SINGLE_NODE_CONFIG.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the Kafka broker", e);
        }
    }

    @Override
    public void close() {
        super.close();
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the Kafka broker", e);
        }
    }
}
