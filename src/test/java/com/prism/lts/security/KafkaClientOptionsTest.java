package com.prism.lts.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.prism.lts.config.SettingDefaults;
import com.prism.lts.testing.ToolRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** What the tools take from the archiver's Kafka security settings, their options and a --command-config file. */
class KafkaClientOptionsTest {

    private static final Map<String, String> SECRETS = Map.of(
            "prism.kafka.sasl.password", "kafka-Pa55word",
            "prism.kafka.ssl.keystore-password", "keystore-Pa55word",
            "prism.kafka.ssl.truststore-password", "truststore-Pa55word",
            "prism.kafka.ssl.key-password", "key-Pa55word",
            "prism.schema-registry.password", "registry-Pa55word",
            "prism.schema-registry.bearer-token", "registry-t0ken",
            "prism.s3.secret-key", "s3-Pa55word");

    @TempDir
    Path files;

    @AfterEach
    void forgetSettings() {
        SECRETS.keySet().forEach(System::clearProperty);
        List.of("prism.kafka.security.protocol", "prism.kafka.sasl.mechanism", "prism.kafka.sasl.username")
                .forEach(System::clearProperty);
    }

    @Test
    void no_secret_of_the_archivers_settings_is_shown_in_the_help_of_any_command() {
        SECRETS.forEach(System::setProperty);

        for (String command : List.of("send", "audit", "restore", "ls", "cat", "run")) {
            ToolRun help = ToolRun.of(command, "--help");
            assertThat(help.out() + help.err()).as(command).isNotEmpty()
                    .doesNotContain(SECRETS.values().toArray(String[]::new));
        }
    }

    @Test
    void the_tools_take_the_archivers_settings_and_an_option_wins_over_a_setting() {
        System.setProperty("prism.kafka.security.protocol", "SASL_SSL");
        System.setProperty("prism.kafka.sasl.mechanism", "SCRAM-SHA-512");
        System.setProperty("prism.kafka.sasl.username", "archiver");
        System.setProperty("prism.kafka.sasl.password", "kafka-Pa55word");

        Map<String, Object> client = client("--sasl-username", "auditor");

        assertThat(client).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"auditor\" password=\"kafka-Pa55word\";")
                .containsEntry("bootstrap.servers", "kafka:9093");
    }

    @Test
    void a_command_config_file_holds_the_kafka_clients_own_properties_and_wins_over_options() throws IOException {
        Path properties = Files.writeString(files.resolve("client.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="k" password="s";
                """);

        Map<String, Object> client = client("--security-protocol", "SSL", "--command-config", properties.toString());

        assertThat(client).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("bootstrap.servers", "kafka:9093");
    }

    @Test
    void a_setting_is_named_by_the_option_that_gives_it() {
        Tool tool = new Tool();
        new CommandLine(tool).parseArgs();

        assertThat(tool.kafka.shownAs("prism.kafka.sasl.password")).isEqualTo("--sasl-password");
        assertThat(tool.kafka.shownAs("prism.kafka.ssl.ca-location")).isEqualTo("--ssl-ca-location");
    }

    private static Map<String, Object> client(String... args) {
        Tool tool = new Tool();
        CommandLine commandLine = new CommandLine(tool);
        commandLine.setDefaultValueProvider(new SettingDefaults());
        commandLine.parseArgs(args);
        return tool.kafka.client("kafka:9093");
    }

    @Command(name = "tool")
    static final class Tool {
        @Mixin
        KafkaClientOptions kafka;
    }
}
