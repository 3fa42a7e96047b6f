package com.prism.lts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.prism.lts.testing.PrivateCa;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings of {@code prism.kafka.security.*}, {@code sasl.*} and {@code ssl.*} give each Kafka client the
 * properties the Kafka client (and, for MSK IAM, AWS) documents, and are refused, by name, when they cannot work.
 */
class KafkaSecurityTest {

    @TempDir
    Path files;

    @Test
    void msk_iam_gives_the_four_properties_aws_documents() {
        Map<String, String> client = security(Map.of("prism.kafka.security.protocol", "SASL_SSL",
                "prism.kafka.sasl.mechanism", "AWS_MSK_IAM")).clientProperties();

        // github.com/aws/aws-msk-iam-auth, "Configuring a Kafka client to use AWS IAM"
        assertThat(client).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "AWS_MSK_IAM",
                "sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;",
                "sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler"));
    }

    @Test
    void msk_iam_with_a_role_to_assume_names_it_in_the_login_module_as_aws_documents() {
        Map<String, String> client = security(Map.of("prism.kafka.security.protocol", "SASL_SSL",
                "prism.kafka.sasl.mechanism", "aws_msk_iam",
                "prism.kafka.sasl.aws-role-arn", "arn:aws:iam::123456789012:role/msk_client_role")).clientProperties();

        assertThat(client).containsEntry("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required"
                + " awsRoleArn=\"arn:aws:iam::123456789012:role/msk_client_role\";");
    }

    @Test
    void the_msk_iam_callback_handler_is_on_the_class_path_and_is_one_the_kafka_client_can_use() throws Exception {
        Class<?> handler = Class.forName(KafkaSecurity.MSK_IAM_CALLBACK_HANDLER);

        assertThat(AuthenticateCallbackHandler.class.isAssignableFrom(handler)).isTrue();
        assertThat(javax.security.auth.spi.LoginModule.class.isAssignableFrom(
                Class.forName(KafkaSecurity.MSK_IAM_LOGIN_MODULE))).isTrue();
    }

    @Test
    void scram_over_tls_with_a_private_ca_logs_in_with_the_users_password_and_trusts_the_ca_file() {
        Path ca = PrivateCa.create("Kafka CA").writePem(files.resolve("ca.pem"));

        Map<String, String> client = security(Map.of("prism.kafka.security.protocol", "SASL_SSL",
                "prism.kafka.sasl.mechanism", "SCRAM-SHA-512", "prism.kafka.sasl.username", "prism",
                "prism.kafka.sasl.password", "pa\"ss\\word", "prism.kafka.ssl.ca-location", ca.toString()))
                .clientProperties();

        assertThat(client).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"prism\" password=\"pa\\\"ss\\\\word\";")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", ca.toString());
    }

    @Test
    void confluent_cloud_api_keys_are_sasl_plain_over_tls_with_the_jvms_cas() {
        Map<String, String> client = security(Map.of("prism.kafka.security.protocol", "SASL_SSL",
                "prism.kafka.sasl.mechanism", "PLAIN", "prism.kafka.sasl.username", "ABCDEFGHIJKLMNOP",
                "prism.kafka.sasl.password", "cflt-secret")).clientProperties();

        assertThat(client).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"ABCDEFGHIJKLMNOP\" password=\"cflt-secret\";"));
    }

    @Test
    void mutual_tls_with_pem_files_gives_the_certificate_and_key_as_a_pem_key_store() throws Exception {
        PrivateCa ca = PrivateCa.create("Kafka CA");
        PrivateCa.Issued client = ca.issue("prism");
        Path certificate = client.writePem(files, "client");

        Map<String, String> properties = security(Map.of("prism.kafka.security.protocol", "SSL",
                "prism.kafka.ssl.ca-location", ca.writePem(files.resolve("ca.pem")).toString(),
                "prism.kafka.ssl.certificate-location", certificate.toString(),
                "prism.kafka.ssl.key-location", files.resolve("client.key").toString())).clientProperties();

        assertThat(properties).containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("ssl.keystore.certificate.chain", Files.readString(certificate))
                .containsEntry("ssl.keystore.key", client.keyPem());
    }

    @Test
    void plaintext_gives_no_property_so_that_camel_component_kafka_options_still_apply() {
        assertThat(security(Map.of()).clientProperties()).isEmpty();
    }

    @Test
    void settings_that_cannot_work_together_are_refused_by_name() {
        assertThat(problems(Map.of("prism.kafka.security.protocol", "SASL_SSL")))
                .anyMatch(p -> p.startsWith("prism.kafka.sasl.mechanism must be set"));
        assertThat(problems(Map.of("prism.kafka.security.protocol", "SASL_SSL", "prism.kafka.sasl.mechanism",
                "SCRAM-SHA-512", "prism.kafka.sasl.username", "prism")))
                .anyMatch(p -> p.startsWith("prism.kafka.sasl.username and prism.kafka.sasl.password must be set"));
        assertThat(problems(Map.of("prism.kafka.security.protocol", "TLS")))
                .anyMatch(p -> p.startsWith("prism.kafka.security.protocol must be one of PLAINTEXT, SSL"));
        assertThat(problems(Map.of("prism.kafka.ssl.ca-location", "/nowhere/ca.pem")))
                .contains("prism.kafka.ssl.ca-location names /nowhere/ca.pem, which is not a file that can be read")
                .anyMatch(p -> p.startsWith("prism.kafka.security.protocol is PLAINTEXT, but TLS files are set"));
    }

    @Test
    void an_expired_client_certificate_is_refused_at_start_with_the_day_it_expired() {
        PrivateCa ca = PrivateCa.create("Kafka CA");
        Path certificate = ca.issueExpired("prism").writePem(files, "client");

        assertThat(problems(Map.of("prism.kafka.security.protocol", "SSL",
                "prism.kafka.ssl.certificate-location", certificate.toString(),
                "prism.kafka.ssl.key-location", files.resolve("client.key").toString())))
                .singleElement().asString().startsWith("prism.kafka.ssl.certificate-location holds the client"
                        + " certificate CN=prism,O=Prism LTS tests, which expired on ").endsWith("; renew it");
    }

    @Test
    void a_key_store_opened_with_the_wrong_password_is_refused_naming_the_setting_but_not_the_password() {
        Path keystore = PrivateCa.create("Kafka CA").issue("prism").writeKeystore(files.resolve("client.p12"),
                "right-password");

        assertThat(problems(Map.of("prism.kafka.security.protocol", "SSL",
                "prism.kafka.ssl.keystore-location", keystore.toString(),
                "prism.kafka.ssl.keystore-password", "wrong-password")))
                .singleElement().asString().startsWith("prism.kafka.ssl.keystore-location cannot be used: ")
                .endsWith("(check the passwords)").doesNotContain("wrong-password");
    }

    private static KafkaSecurity security(Map<String, String> settings) {
        return KafkaSecurity.from(lookup(settings), Function.identity());
    }

    private static java.util.List<String> problems(Map<String, String> settings) {
        return catchThrowableOfType(InvalidSettingsException.class, () -> security(settings)).problems();
    }

    private static Function<String, Optional<String>> lookup(Map<String, String> settings) {
        return name -> Optional.ofNullable(settings.getOrDefault(name, name.equals("prism.kafka.security.protocol")
                ? "PLAINTEXT" : null));
    }
}
