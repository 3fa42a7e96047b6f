package com.prism.lts.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EnvironmentVariablesTest {

    static final Set<String> KNOWN = Set.of("prism.s3.access-key", "camel.management.port",
            "camel.metrics.enableExchangeEventNotifier");

    @Test
    void a_settings_environment_variable_is_its_name_in_upper_case_with_underscores() {
        assertThat(EnvironmentVariables.name("prism.s3.access-key")).isEqualTo("PRISM_S3_ACCESS_KEY");
        assertThat(EnvironmentVariables.name("camel.metrics.enableExchangeEventNotifier"))
                .isEqualTo("CAMEL_METRICS_ENABLE_EXCHANGE_EVENT_NOTIFIER");
    }

    @Test
    void a_variable_names_a_known_setting_a_decoder_option_a_component_option_or_an_option_of_a_camel_group() {
        EnvironmentVariables.Translation translation = EnvironmentVariables.settings(Map.of(
                "PRISM_S3_ACCESS_KEY", "key",
                "CAMEL_MANAGEMENT_PORT", "9000",
                "CAMEL_METRICS_ENABLE_EXCHANGE_EVENT_NOTIFIER", "true",
                "PRISM_DECODER_CONFIG_SPECIFIC_AVRO_READER", "false",
                "CAMEL_COMPONENT_KAFKA_SESSION_TIMEOUT_MS", "7000",
                "CAMEL_COMPONENT_AWS2_S3_REGION", "eu-west-1",
                "CAMEL_MAIN_SHUTDOWN_TIMEOUT", "45",
                "HOME", "/root"), KNOWN);

        assertThat(translation.settings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "prism.s3.access-key", "key",
                "camel.management.port", "9000",
                "camel.metrics.enableExchangeEventNotifier", "true",
                "prism.decoder.config.specific.avro.reader", "false",
                "camel.component.kafka.session-timeout-ms", "7000",
                "camel.component.aws2-s3.region", "eu-west-1",
                "camel.main.shutdown-timeout", "45"));
        assertThat(translation.ignored()).isEmpty();
    }

    @Test
    void kubernetes_service_links_are_left_alone_and_unknown_prism_variables_are_reported() {
        EnvironmentVariables.Translation translation = EnvironmentVariables.settings(Map.of(
                "PRISM_LTS_PORT", "tcp://10.0.0.1:9876",
                "PRISM_LTS_PORT_9876_TCP_ADDR", "10.0.0.1",
                "PRISM_LTS_SERVICE_HOST", "10.0.0.1",
                "PRISM_FLUSH_SIZ", "5"), KNOWN);

        assertThat(translation.settings()).isEmpty();
        assertThat(translation.ignored()).containsExactly("PRISM_FLUSH_SIZ");
    }
}
