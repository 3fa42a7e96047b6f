package com.prism.lts.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka's own broker ({@code kafka.Kafka}, KRaft, broker and controller in one node) in a JVM of its own, so
 * that the JVM the benchmark measures does nothing else. Its storage is formatted first, as {@code kafka-storage.sh
 * format} does.
 */
public final class KafkaProcess extends KafkaBroker {

    private final JavaProcess broker;

    private KafkaProcess(String bootstrapServers, JavaProcess broker) {
        super(bootstrapServers);
        this.broker = broker;
    }

    public static KafkaProcess start(Path directory) {
        int port = freePort();
        int controllerPort = freePort();
        Properties server = new Properties();
        server.putAll(SINGLE_NODE_CONFIG);
        server.put("process.roles", "broker,controller");
        server.put("node.id", "1");
        server.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        server.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        server.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        server.put("controller.listener.names", "CONTROLLER");
        server.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        server.put("log.dirs", directory.resolve("data").toAbsolutePath().toString());
        Path config = directory.resolve("server.properties");
        try {
            Files.createDirectories(directory);
            try (OutputStream out = Files.newOutputStream(config)) {
                server.store(out, "single-node broker of the benchmark");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not write " + config, e);
        }
        JavaProcess format = JavaProcess.start(List.of("-Xmx256m"), Map.of(), "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                directory.resolve("format.log"));
        if (format.awaitExit() != 0) {
            throw new IllegalStateException("could not format the broker's storage:\n" + format.log());
        }
        // the heap kafka-server-start.sh gives a broker
        JavaProcess broker = JavaProcess.start(List.of("-Xms1g", "-Xmx1g"), Map.of(), "kafka.Kafka",
                List.of(config.toString()), directory.resolve("kafka.log"));
        awaitListening(broker, port);
        return new KafkaProcess("127.0.0.1:" + port, broker);
    }

    /** Waits for the broker's port to accept connections: clients started earlier only log warnings until then. */
    private static void awaitListening(JavaProcess broker, int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && broker.isAlive()) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                S3Process.sleep(Duration.ofMillis(100));
            }
        }
        broker.close();
        throw new IllegalStateException("the broker did not start:\n" + broker.log());
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public ProcessHandle handle() {
        return broker.handle();
    }

    @Override
    public void close() {
        super.close();
        broker.close();
    }
}
