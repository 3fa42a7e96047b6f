package com.prism.lts.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.prism.lts.ToolFailure;
import com.prism.lts.config.RegistryAccess;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.decode.DirectorySchemaSource;
import com.prism.lts.decode.RegistrySchemaSource;
import com.prism.lts.security.KafkaClientOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code prism-lts send}: the successor of {@code send_a_bunch_of_data}. */
@Command(name = "send", mixinStandardHelpOptions = true, defaultValueProvider = SettingDefaults.class,
        sortOptions = false,
        description = {"Sends generated ac-user-event-like events to Kafka in the Confluent wire format.",
            "The schema is registered with a schema registry (--registry), or written to the schema directory the "
                    + "archiver reads (--schema-dir). Defaults come from the archiver's settings "
                    + "(application.properties, config/application.properties, PRISM_* environment variables)."})
public final class SendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, descriptionKey = "prism.kafka.bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]", description = "Kafka to send to (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Mixin
    TrafficOptions trafficOptions;

    @Option(names = "--registry", descriptionKey = "prism.schema-registry.url", paramLabel = "URL",
            description = "Confluent-compatible schema registry: the schema is registered as subject <topic>-value"
                    + " and sent with the id the registry gives it.")
    URI registry;

    @Option(names = "--registry-username", descriptionKey = "prism.schema-registry.username",
            description = "User for the registry's basic authentication.")
    String registryUsername;

    @Option(names = "--registry-password", descriptionKey = "prism.schema-registry.password",
            description = "Password for the registry's basic authentication.")
    String registryPassword;

    @Option(names = "--schema-dir", descriptionKey = "prism.schema-directory", paramLabel = "DIR",
            description = "Without --registry: write the schema here as <schema-id>.avsc, where the archiver's"
                    + " prism.schema-directory finds it.")
    Path schemaDir;

    @Option(names = "--schema-id", defaultValue = "1",
            description = "The schema id to send with --schema-dir (default: ${DEFAULT-VALUE}).")
    int schemaId;

    private record Schema(int id, String where) {
    }

    @Override
    public Integer call() throws InterruptedException {
        Traffic traffic = trafficOptions.traffic();
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaTarget kafka = KafkaTarget.connect(bootstrapServers, kafkaClient)) {
            kafka.requirePartitions(traffic.topic(), traffic.partitions());
            Schema schema = publishSchema(traffic.topic());
            out.printf(Locale.ROOT, "Sending %,d events to %s at %s...%n", traffic.count(), traffic.topic(),
                    bootstrapServers);
            out.flush();
            Duration took;
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                took = new TrafficSender(producer).send(traffic, schema.id(), sent -> {
                    out.println(progress(sent, traffic.count()));
                    out.flush();
                });
            }
            out.print(summary(traffic, took, schema.id(), schema.where()));
            out.flush();
        }
        return 0;
    }

    private Schema publishSchema(String topic) {
        if (registry != null) {
            RegistrySchemaSource source = new RegistrySchemaSource(registry, registryAccess());
            String subject = topic + "-value";
            try {
                return new Schema(source.register(subject, DemoEvents.SCHEMA),
                        "registered as subject " + subject + " in " + source.describe());
            } catch (ConnectException | HttpTimeoutException e) {
                throw new ToolFailure("cannot reach the schema registry at " + registry);
            } catch (IOException e) {
                throw new ToolFailure(e.getMessage());
            }
        }
        if (schemaDir == null) {
            throw new ParameterException(spec.commandLine(), "Give --registry URL to register the schema, or"
                    + " --schema-dir DIR to write it where the archiver looks for schemas (prism.schema-directory)");
        }
        try {
            DirectorySchemaSource.publish(schemaDir, schemaId, DemoEvents.SCHEMA);
        } catch (IOException e) {
            throw new ToolFailure("cannot write the schema to " + schemaDir + ": " + e.getMessage());
        }
        return new Schema(schemaId, "written to " + schemaDir.resolve(schemaId + ".avsc"));
    }

    /**
     * The registry's credentials from the options; its TLS files and bearer token from the archiver's settings
     * ({@code prism.schema-registry.*}, as environment variables or in {@code config/application.properties}).
     */
    private RegistryAccess registryAccess() {
        SettingDefaults settings = new SettingDefaults();
        Map<String, String> options = Map.of("prism.schema-registry.username", "--registry-username",
                "prism.schema-registry.password", "--registry-password");
        return RegistryAccess.from(setting -> switch (setting) {
            case "prism.schema-registry.username" -> Optional.ofNullable(registryUsername);
            case "prism.schema-registry.password" -> Optional.ofNullable(registryPassword);
            default -> settings.value(setting);
        }, setting -> options.getOrDefault(setting, setting));
    }

    static String progress(long sent, long total) {
        return String.format(Locale.ROOT, "  sent %,d of %,d events", sent, total);
    }

    static String summary(Traffic traffic, Duration took, int schemaId, String schemaWhere) {
        double seconds = Math.max(took.toNanos(), 1) / 1e9;
        return String.format(Locale.ROOT, """
                Sent %,d events to %s, spread over %d partitions, in %.1f s (%,.0f a second).
                Their metric_date runs from %s to %s; --seed %d sends the same events again.
                Schema id %d, %s.
                """, traffic.count(), traffic.topic(), traffic.partitions(), seconds, traffic.count() / seconds,
                traffic.firstDay(), traffic.lastDay(), traffic.seed(), schemaId, schemaWhere);
    }
}
