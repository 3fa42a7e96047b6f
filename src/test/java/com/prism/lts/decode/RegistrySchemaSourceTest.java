package com.prism.lts.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.prism.lts.config.RegistryAccess;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.RegistryStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry client against {@link RegistryStandIn}, a small in-test HTTP server answering Confluent's
 * {@code GET /schemas/ids/{id}}: it is a stand-in because no Schema Registry server can be run on our machines and
 * Confluent's registry client is not available to us.
 */
class RegistrySchemaSourceTest {

    private static final int ID = 7;

    private final RegistryStandIn registry = RegistryStandIn.start();

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void a_registered_schema_is_found_by_its_id() throws Exception {
        registry.put(ID, DemoEvents.SCHEMA);

        assertThat(anonymous().schema(ID)).isEqualTo(DemoEvents.SCHEMA);
    }

    @Test
    void an_explicit_avro_schema_type_is_accepted() throws Exception {
        registry.put(ID, "AVRO", DemoEvents.SCHEMA.toString());

        assertThat(anonymous().schema(ID)).isEqualTo(DemoEvents.SCHEMA);
    }

    @Test
    void an_id_the_registry_does_not_know_rejects_the_record_as_an_unknown_schema() {
        RecordRejectedException rejection = rejected();

        assertThat(rejection.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
        assertThat(rejection).hasMessageContaining(Integer.toString(ID));
    }

    @Test
    void a_failing_registry_is_a_transient_failure_not_a_rejection() {
        registry.put(ID, DemoEvents.SCHEMA);
        registry.failWith(500);

        assertThatThrownBy(() -> anonymous().schema(ID)).isInstanceOf(IOException.class)
                .hasMessageContaining("500");
    }

    @Test
    void refused_credentials_are_a_transient_failure_that_points_at_the_credential_settings() {
        registry.put(ID, DemoEvents.SCHEMA);
        registry.failWith(401);

        assertThatThrownBy(() -> anonymous().schema(ID)).isInstanceOf(IOException.class)
                .hasMessageContaining("401").hasMessageContaining("prism.schema-registry.username");
    }

    @Test
    void a_registry_that_cannot_be_reached_is_a_transient_failure() {
        URI gone = registry.url();
        registry.close();

        assertThatThrownBy(() -> new RegistrySchemaSource(gone, RegistryAccess.none()).schema(ID))
                .isInstanceOf(IOException.class);
    }

    @Test
    void a_username_and_password_are_sent_as_basic_authentication() throws Exception {
        registry.put(ID, DemoEvents.SCHEMA);

        new RegistrySchemaSource(registry.url(), access(Map.of("prism.schema-registry.username", "prism",
                "prism.schema-registry.password", "s3cr:et"))).schema(ID);

        String expected = "Basic " + Base64.getEncoder().encodeToString("prism:s3cr:et".getBytes(
                StandardCharsets.UTF_8));
        assertThat(registry.authorizations()).containsExactly(expected);
    }

    @Test
    void a_bearer_token_is_sent_as_such() throws Exception {
        registry.put(ID, DemoEvents.SCHEMA);

        new RegistrySchemaSource(registry.url(), access(Map.of("prism.schema-registry.bearer-token", "t0ken")))
                .schema(ID);

        assertThat(registry.authorizations()).containsExactly("Bearer t0ken");
    }

    private static RegistryAccess access(Map<String, String> settings) {
        return RegistryAccess.from(name -> Optional.ofNullable(settings.get(name)), Function.identity());
    }

    @Test
    void no_authorization_header_is_sent_without_a_username() throws Exception {
        registry.put(ID, DemoEvents.SCHEMA);

        anonymous().schema(ID);

        assertThat(registry.authorizations()).isEmpty();
    }

    @Test
    void a_protobuf_schema_is_rejected_because_only_avro_can_be_archived() {
        registry.put(ID, "PROTOBUF", "syntax = \"proto3\"; message UserEvent { string event_id = 1; }");

        RecordRejectedException rejection = rejected();

        assertThat(rejection.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
        assertThat(rejection).hasMessageContaining("PROTOBUF");
    }

    @Test
    void schema_text_that_is_not_valid_avro_is_rejected_as_an_unknown_schema() {
        registry.put(ID, "AVRO", "{\"type\": \"record\", \"name\": \"Broken\"}");

        RecordRejectedException rejection = rejected();

        assertThat(rejection.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
        assertThat(rejection).hasMessageContaining("not a valid Avro schema");
    }

    private RecordRejectedException rejected() {
        RecordRejectedException rejection = catchThrowableOfType(RecordRejectedException.class,
                () -> anonymous().schema(ID));
        assertThat(rejection).as("rejection of schema %d", ID).isNotNull();
        return rejection;
    }

    private RegistrySchemaSource anonymous() {
        return new RegistrySchemaSource(registry.url(), RegistryAccess.none());
    }
}
