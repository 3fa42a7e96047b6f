package com.prism.lts.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import com.prism.lts.ToolFailure;
import com.prism.lts.security.KafkaAccess;
import com.prism.lts.security.KafkaClientOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka cluster that {@code send}, {@code audit} and {@code restore} talk to, with the client security of their
 * {@link KafkaClientOptions}. Its address is tried first with a plain TCP connection: Kafka's clients retry an
 * unreachable broker for a minute and then report a timeout that does not say why. Then Kafka is asked once, within
 * {@value #FIRST_ANSWER_SECONDS} seconds, whether it lets this client in, so that a server that accepts connections and
 * never answers (a wrong port, a firewall), refused credentials or certificates are said in one sentence before
 * anything else.
 */
public final class KafkaTarget implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 3_000;
    private static final int FIRST_ANSWER_SECONDS = 8;
    private static final int ANSWER_TIMEOUT_MS = 15_000;

    private final String bootstrapServers;
    private final Map<String, Object> client;
    private final Admin admin;

    private KafkaTarget(String bootstrapServers, Map<String, Object> client) {
        this.bootstrapServers = bootstrapServers;
        this.client = Map.copyOf(client);
        Map<String, Object> admin = new HashMap<>(client);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ANSWER_TIMEOUT_MS);
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ANSWER_TIMEOUT_MS);
        this.admin = Admin.create(admin);
    }

    /**
     * @throws ToolFailure when none of the bootstrap servers accepts a connection, or Kafka does not answer or let this
     *                     client in
     */
    public static KafkaTarget connect(String bootstrapServers, KafkaClientOptions options) {
        String unreachable = null;
        for (String server : bootstrapServers.split(",")) {
            try (Socket socket = new Socket()) {
                socket.connect(address(server.trim(), bootstrapServers), CONNECT_TIMEOUT_MS);
                unreachable = null;
                break;
            } catch (IOException e) {
                unreachable = server.trim() + " (" + (e instanceof UnknownHostException ? "unknown host"
                        : e.getMessage()) + ")";
            }
        }
        if (unreachable != null) {
            throw new ToolFailure("cannot reach Kafka at " + unreachable);
        }
        KafkaTarget target = new KafkaTarget(bootstrapServers, options.client(bootstrapServers));
        KafkaAccess.Answer answer = KafkaAccess.ask(target.admin, target.client,
                Duration.ofSeconds(FIRST_ANSWER_SECONDS), options::shownAs);
        if (!answer.letIn()) {
            target.close();
            throw new ToolFailure(answer.said());
        }
        return target;
    }

    static InetSocketAddress address(String server, String all) {
        int colon = server.lastIndexOf(':');
        try {
            return new InetSocketAddress(server.substring(0, colon).replaceAll("^\\[|]$", ""),
                    Integer.parseInt(server.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new ToolFailure("the bootstrap servers must be host:port[,host:port...], not '" + all + "'");
        }
    }

    /** How many partitions {@code topic} has; empty if it does not exist. */
    public Optional<Integer> partitions(String topic) {
        try {
            return Optional.of(await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions()
                    .size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw failure(e);
        }
    }

    public Admin admin() {
        return admin;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Makes sure {@code topic} has at least {@code wanted} partitions, creating it with that many if it is missing. */
    public void requirePartitions(String topic, int wanted) {
        int existing;
        try {
            existing = await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw failure(e);
            }
            try {
                await(admin.createTopics(List.of(new NewTopic(topic, Optional.of(wanted), Optional.empty()))).all());
            } catch (ExecutionException notCreated) {
                throw failure(notCreated);
            }
            return;
        }
        if (existing < wanted) {
            throw new ToolFailure("topic " + topic + " has fewer partitions (" + existing + ") than the " + wanted
                    + " asked for: send with --partitions " + existing + ", or add partitions to the topic");
        }
    }

    private static <T> T await(KafkaFuture<T> answer) throws ExecutionException {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure("interrupted while waiting for Kafka");
        }
    }

    private ToolFailure failure(ExecutionException e) {
        if (e.getCause() instanceof TimeoutException) {
            return new ToolFailure("Kafka at " + bootstrapServers + " did not answer within "
                    + ANSWER_TIMEOUT_MS / 1000 + " s");
        }
        return new ToolFailure("Kafka at " + bootstrapServers + " refused: " + e.getCause().getMessage());
    }

    KafkaProducer<byte[], byte[]> producer() {
        return producer(Map.of());
    }

    /** A producer of byte arrays that waits for every replica, with {@code overrides}. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(client);
        config.putAll(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, ANSWER_TIMEOUT_MS,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        config.putAll(overrides);
        return new KafkaProducer<>(config);
    }

    /** A consumer of byte arrays that commits nothing by itself, with {@code overrides}. */
    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(client);
        config.putAll(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        config.putAll(overrides);
        return new KafkaConsumer<>(config);
    }

    @Override
    public void close() {
        admin.close();
    }
}
