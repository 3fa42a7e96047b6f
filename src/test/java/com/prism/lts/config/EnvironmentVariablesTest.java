package com.prism.lts.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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
    void a_variable_of_a_topics_setting_names_the_listed_topic_whose_name_gives_it() {
        Set<String> known = new HashSet<>(KNOWN);
        known.addAll(TopicSettings.names("ac.orders-v2"));
        known.addAll(TopicSettings.names("ac-user-event"));

        EnvironmentVariables.Translation translation = EnvironmentVariables.settings(Map.of(
                "PRISM_TOPIC_AC_ORDERS_V2_FLUSH_SIZE", "100",
                "PRISM_TOPIC_AC_USER_EVENT_METRIC_DATE_ZONE", "Europe/Paris",
                "PRISM_TOPIC_AC_BILLING_FLUSH_SIZE", "10"), known);

        assertThat(translation.settings()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "prism.topic.ac.orders-v2.flush.size", "100",
                "prism.topic.ac-user-event.metric-date.zone", "Europe/Paris"));
        assertThat(translation.ignored()).containsExactly("PRISM_TOPIC_AC_BILLING_FLUSH_SIZE");
    }

    @Test
    void a_variable_that_could_be_the_setting_of_two_topics_names_neither() {
        Set<String> known = new HashSet<>(TopicSettings.names("ac.orders"));
        known.addAll(TopicSettings.names("ac-orders"));

        EnvironmentVariables.Translation translation = EnvironmentVariables.settings(Map.of(
                "PRISM_TOPIC_AC_ORDERS_FLUSH_SIZE", "100"), known);

        assertThat(translation.settings()).isEmpty();
        assertThat(translation.ambiguous()).containsExactly(Map.entry("PRISM_TOPIC_AC_ORDERS_FLUSH_SIZE",
                List.of("prism.topic.ac-orders.flush.size", "prism.topic.ac.orders.flush.size")));
    }

    @Test
    void no_two_shipped_settings_share_a_variable() {
        SettingDefaults.builtIn().stringPropertyNames().stream().map(EnvironmentVariables::name)
                .collect(Collectors.groupingBy(name -> name, Collectors.counting()))
                .forEach((variable, settings) -> assertThat(settings).as(variable).isEqualTo(1));
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
