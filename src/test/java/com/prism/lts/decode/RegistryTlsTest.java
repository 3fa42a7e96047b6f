package com.prism.lts.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.prism.lts.config.RegistryAccess;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.PrivateCa;
import com.prism.lts.testing.RegistryStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry over HTTPS that a private CA signed and that asks for client certificates (mutual TLS). */
class RegistryTlsTest {

    private static final int ID = 3;
    private final PrivateCa ca = PrivateCa.create("Registry CA");
    private final RegistryStandIn registry = RegistryStandIn.startHttps(ca.issue("localhost"), Optional.of(ca));

    @TempDir
    Path files;

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void with_the_ca_and_a_client_certificate_of_pem_files_schemas_are_read() throws Exception {
        registry.put(ID, DemoEvents.SCHEMA);
        Path certificate = ca.issue("prism-lts").writePem(files, "client");

        RegistrySchemaSource source = source(Map.of(
                "prism.schema-registry.ssl.ca-location", ca.writePem(files.resolve("ca.pem")).toString(),
                "prism.schema-registry.ssl.certificate-location", certificate.toString(),
                "prism.schema-registry.ssl.key-location", files.resolve("client.key").toString()));

        assertThat(source.refusal()).isEmpty();
        assertThat(source.schema(ID)).isEqualTo(DemoEvents.SCHEMA);
    }

    @Test
    void with_a_trust_store_and_a_key_store_schemas_are_read() throws Exception {
        registry.put(ID, DemoEvents.SCHEMA);

        RegistrySchemaSource source = source(Map.of(
                "prism.schema-registry.ssl.truststore-location",
                ca.writeTruststore(files.resolve("trust.p12"), "trust-pass").toString(),
                "prism.schema-registry.ssl.truststore-password", "trust-pass",
                "prism.schema-registry.ssl.keystore-location",
                ca.issue("prism-lts").writeKeystore(files.resolve("client.p12"), "key-pass").toString(),
                "prism.schema-registry.ssl.keystore-password", "key-pass"));

        assertThat(source.schema(ID)).isEqualTo(DemoEvents.SCHEMA);
    }

    @Test
    void without_a_client_certificate_the_refusal_names_the_client_certificate_settings() {
        RegistrySchemaSource source = source(Map.of(
                "prism.schema-registry.ssl.ca-location", ca.writePem(files.resolve("ca.pem")).toString()));

        // the JDK's HTTPS server closes the connection without sending TLS 1.3's certificate_required alert (a
        // registry that sends it is named as asking for a client certificate, as Kafka is in SecuredClusterTest)
        assertThat(source.refusal()).contains("schema registry " + registry.url() + "/ closed the connection right"
                + " after the TLS handshake, without an answer: if it asks for a client certificate (mutual TLS), set"
                + " prism.schema-registry.ssl.certificate-location and prism.schema-registry.ssl.key-location, or"
                + " prism.schema-registry.ssl.keystore-location");
    }

    private RegistrySchemaSource source(Map<String, String> settings) {
        return new RegistrySchemaSource(registry.url(), RegistryAccess.from(name -> Optional.ofNullable(
                settings.get(name)), Function.identity()));
    }
}
