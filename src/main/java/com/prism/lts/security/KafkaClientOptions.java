package com.prism.lts.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import com.prism.lts.ToolFailure;
import com.prism.lts.config.KafkaSecurity;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How a tool's Kafka clients prove who they are and whom they trust: the archiver's {@code prism.kafka.security.*},
 * {@code prism.kafka.sasl.*} and {@code prism.kafka.ssl.*} settings (from the environment, system properties or
 * {@code config/application.properties}, as the archiver reads them), each overridable by an option, and a file of the
 * Kafka client's own properties in the convention of Kafka's tools ({@code --command-config}), which wins over both.
 * No default of a secret is ever shown in {@code --help}.
 */
public final class KafkaClientOptions {

    @Spec
    CommandSpec spec;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*), as Kafka's own tools take"
                    + " them; they win over the Kafka options below and the archiver's settings.")
    Path commandConfig;

    @Option(names = "--security-protocol", descriptionKey = "prism.kafka.security.protocol", paramLabel = "PROTOCOL",
            description = "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (default: ${DEFAULT-VALUE}).")
    String securityProtocol;

    @Option(names = "--sasl-mechanism", descriptionKey = "prism.kafka.sasl.mechanism", paramLabel = "MECHANISM",
            description = "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or AWS_MSK_IAM.")
    String saslMechanism;

    @Option(names = "--sasl-username", descriptionKey = "prism.kafka.sasl.username", paramLabel = "USER",
            description = "SASL user (an API key on Confluent Cloud).")
    String saslUsername;

    @Option(names = "--sasl-password", descriptionKey = "prism.kafka.sasl.password", paramLabel = "PASSWORD",
            description = "SASL password; better given as PRISM_KAFKA_SASL_PASSWORD or in --command-config, since"
                    + " other users of the machine can see a command line.")
    String saslPassword;

    @Option(names = "--sasl-aws-role-arn", descriptionKey = "prism.kafka.sasl.aws-role-arn", paramLabel = "ARN",
            description = "With AWS_MSK_IAM: an IAM role to assume.")
    String awsRoleArn;

    @Option(names = "--ssl-ca-location", descriptionKey = "prism.kafka.ssl.ca-location", paramLabel = "PEM_FILE",
            description = "The CA certificates that signed the brokers' certificates (PEM).")
    String caLocation;

    @Option(names = "--ssl-truststore-location", descriptionKey = "prism.kafka.ssl.truststore-location",
            paramLabel = "FILE", description = "Or: a trust store (JKS or PKCS12) holding them.")
    String truststoreLocation;

    @Option(names = "--ssl-truststore-password", descriptionKey = "prism.kafka.ssl.truststore-password",
            paramLabel = "PASSWORD", description = "The trust store's password.")
    String truststorePassword;

    @Option(names = "--ssl-certificate-location", descriptionKey = "prism.kafka.ssl.certificate-location",
            paramLabel = "PEM_FILE", description = "Mutual TLS: this client's certificate (PEM).")
    String certificateLocation;

    @Option(names = "--ssl-key-location", descriptionKey = "prism.kafka.ssl.key-location", paramLabel = "PEM_FILE",
            description = "Mutual TLS: its private key (PEM, PKCS#8).")
    String keyLocation;

    @Option(names = "--ssl-keystore-location", descriptionKey = "prism.kafka.ssl.keystore-location",
            paramLabel = "FILE", description = "Or: a key store (JKS or PKCS12) holding both.")
    String keystoreLocation;

    @Option(names = "--ssl-keystore-password", descriptionKey = "prism.kafka.ssl.keystore-password",
            paramLabel = "PASSWORD", description = "The key store's password.")
    String keystorePassword;

    @Option(names = "--ssl-key-password", descriptionKey = "prism.kafka.ssl.key-password", paramLabel = "PASSWORD",
            description = "The private key's password, if it has one.")
    String keyPassword;

    /** The properties of a Kafka client of {@code bootstrapServers}, security included. */
    public Map<String, Object> client(String bootstrapServers) {
        Map<String, Object> client = new HashMap<>(KafkaSecurity.from(this::value, this::shownAs).clientProperties());
        if (commandConfig != null) {
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(commandConfig)) {
                file.load(in);
            } catch (IOException e) {
                throw new ToolFailure("--command-config " + commandConfig + " cannot be read: " + e.getMessage());
            }
            file.stringPropertyNames().forEach(name -> client.put(name, file.getProperty(name)));
        }
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return client;
    }

    /** A setting as the user gives it to a tool: its option, or the setting itself when no option stands for it. */
    public String shownAs(String setting) {
        return option(setting).map(OptionSpec::longestName).orElse(setting);
    }

    private Optional<String> value(String setting) {
        return option(setting).map(OptionSpec::<String>getValue).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** The option of this mixin, or of the command it is mixed into (--bootstrap-servers), that sets {@code setting}. */
    private Optional<OptionSpec> option(String setting) {
        CommandSpec command = spec.commandLine() == null ? spec : spec.commandLine().getCommandSpec();
        return command.options().stream().filter(option -> setting.equals(option.descriptionKey())).findFirst();
    }
}
