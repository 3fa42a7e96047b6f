package com.prism.lts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

class ArchiveSettingsTest {

    private static final String SCHEMA_DIRECTORY = "/var/lib/prism/schemas";

    @Test
    void the_shipped_defaults_with_a_schema_directory_are_a_valid_configuration() {
        ArchiveSettings settings = settings(Map.of());

        assertThat(settings.topics()).containsExactly("ac-user-event");
        assertThat(settings.schemaDirectory()).contains(Path.of(SCHEMA_DIRECTORY));
        assertThat(settings.registryUrl()).isEmpty();
        assertThat(settings.metricDateField()).isEqualTo("metric_date");
        assertThat(settings.metricDateZone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(settings.flushSize()).isEqualTo(250);
        assertThat(settings.maxBufferedBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(settings.codec()).isEqualTo("deflate");
        assertThat(settings.bucket()).isEqualTo("prism-lts");
        assertThat(settings.prefix()).isEqualTo("topics");
        assertThat(settings.s3Endpoint()).isEmpty();
        assertThat(settings.accessKey()).isEmpty();
        assertThat(settings.deadLetterTopic("ac-user-event")).isEqualTo("ac-user-event.dlq");
    }

    @Test
    void the_shipped_defaults_alone_refuse_to_start_because_schemas_have_nowhere_to_come_from() {
        InvalidSettingsException invalid = catchThrowableOfType(InvalidSettingsException.class,
                () -> read(shipped()));

        assertThat(invalid.problems()).singleElement().asString()
                .contains("prism.schema-registry.url").contains("prism.schema-directory");
    }

    @Test
    void a_prefix_written_with_slashes_gives_the_same_keys_as_one_without() {
        assertThat(settings(Map.of("prism.s3.prefix", "/archive/topics/")).prefix()).isEqualTo("archive/topics");
    }

    @Test
    void a_number_too_large_for_the_setting_is_refused_instead_of_cut_down() {
        assertThat(problems(Map.of("prism.flush.size", "3000000000")))
                .containsExactly("prism.flush.size must be at most 2147483647, but is 3000000000");
    }

    @Test
    void a_flush_size_of_zero_is_refused_naming_the_property() {
        assertThat(problems(Map.of("prism.flush.size", "0")))
                .containsExactly("prism.flush.size must be 1 or more, but is 0");
    }

    @Test
    void an_unknown_codec_is_refused_with_the_codecs_that_exist() {
        assertThat(problems(Map.of("prism.avro.codec", "lz4")))
                .containsExactly("prism.avro.codec must be one of deflate, null, snappy, zstd, but is 'lz4'");
    }

    @Test
    void a_codec_is_accepted_whatever_its_case() {
        assertThat(settings(Map.of("prism.avro.codec", "ZSTD")).codec()).isEqualTo("zstd");
    }

    @Test
    void an_unparseable_zone_is_refused_naming_the_property() {
        assertThat(problems(Map.of("prism.metric-date.zone", "Mars/Olympus_Mons")))
                .singleElement().asString()
                .startsWith("prism.metric-date.zone is not a time zone").contains("'Mars/Olympus_Mons'");
    }

    @Test
    void missing_bootstrap_servers_are_refused_naming_the_property() {
        assertThat(problems(Map.of("prism.kafka.bootstrap-servers", " ")))
                .containsExactly("prism.kafka.bootstrap-servers is not set");
    }

    @Test
    void a_number_setting_that_is_not_a_number_is_refused_with_its_value() {
        assertThat(problems(Map.of("prism.flush.quiet-ms", "30s")))
                .containsExactly("prism.flush.quiet-ms must be a whole number, but is '30s'");
    }

    @Test
    void a_dead_letter_topic_that_is_itself_archived_is_refused() {
        assertThat(problems(Map.of("prism.topics", "ac-user-event, ac-user-event.dlq")))
                .containsExactly("prism.dead-letter.topic must not name a topic that is archived");
    }

    @Test
    void conditional_writes_turned_off_are_refused_saying_why() {
        assertThat(problems(Map.of("prism.s3.conditional-writes", "false"))).singleElement().asString()
                .startsWith("prism.s3.conditional-writes must be true")
                .contains("overwrite a file that holds records it does not");
    }

    @Test
    void a_group_instance_id_kafka_would_refuse_is_refused_naming_the_property() {
        assertThat(problems(Map.of("prism.kafka.group-instance-id", "prism lts/0"))).singleElement().asString()
                .startsWith("prism.kafka.group-instance-id may hold only letters, digits");
    }

    @Test
    void replicas_that_file_records_alike_share_a_fingerprint_and_another_zone_changes_it() {
        int shipped = settings(Map.of()).decisionHash("ac-user-event");

        assertThat(settings(Map.of("prism.upload.concurrency", "2")).decisionHash("ac-user-event")).isEqualTo(shipped);
        assertThat(settings(Map.of("prism.metric-date.zone", "Europe/Paris")).decisionHash("ac-user-event"))
                .isNotEqualTo(shipped);
        assertThat(settings(Map.of("prism.flush.size", "100")).decisionHash("ac-user-event")).isNotEqualTo(shipped);
        assertThat(settings(Map.of("prism.metric-date.field", "day")).decisionHash("ac-user-event"))
                .isNotEqualTo(shipped);
        assertThat(settings(Map.of("prism.decoder", "com.example.EventDeserializer")).decisionHash("ac-user-event"))
                .isNotEqualTo(shipped);
    }

    @Test
    void the_aliases_of_utc_give_one_fingerprint() {
        int utc = settings(Map.of("prism.metric-date.zone", "UTC")).decisionHash("ac-user-event");

        assertThat(List.of("Etc/UTC", "Z", "GMT", "UTC+00:00", "Etc/GMT")).allSatisfy(alias ->
                assertThat(settings(Map.of("prism.metric-date.zone", alias)).decisionHash("ac-user-event"))
                        .as(alias).isEqualTo(utc));
        assertThat(settings(Map.of("prism.metric-date.zone", "Europe/London")).decisionHash("ac-user-event"))
                .isNotEqualTo(utc);
    }

    @Test
    void the_shipped_settings_keep_the_fingerprint_of_the_versions_before_so_an_upgrade_follows_committed_states() {
        CRC32 before = new CRC32();
        before.update("1\nmetric_date\nUTC\n250\nconfluent".getBytes(StandardCharsets.UTF_8));

        assertThat(settings(Map.of()).decisionHash("ac-user-event")).isEqualTo((int) before.getValue());
    }

    @Test
    void a_custom_decoders_configuration_is_part_of_the_fingerprint_in_any_order_but_its_secrets() {
        Map<String, String> decoder = Map.of("prism.decoder", "com.example.EventDeserializer",
                "prism.decoder.config.specific.avro.reader", "false",
                "prism.decoder.config.registry.url", "https://registry:8081",
                "prism.decoder.config.basic.auth.password", "first");
        int fingerprint = settings(decoder).decisionHash("ac-user-event");

        assertThat(settings(with(decoder, "prism.decoder.config.specific.avro.reader", "true"))
                .decisionHash("ac-user-event")).isNotEqualTo(fingerprint);
        assertThat(settings(with(decoder, "prism.decoder.config.basic.auth.password", "rotated"))
                .decisionHash("ac-user-event")).isEqualTo(fingerprint);
        assertThat(settings(with(decoder, "prism.decoder.config.a.first.option", " x "))
                .decisionHash("ac-user-event")).isNotEqualTo(fingerprint);
        assertThat(settings(decoder).decoderConfig().keySet())
                .containsExactly("basic.auth.password", "registry.url", "specific.avro.reader");
    }

    @Test
    void the_same_decoder_configuration_given_in_another_order_gives_the_same_fingerprint() {
        Properties one = shipped();
        Properties other = shipped();
        one.setProperty("prism.decoder", "com.example.EventDeserializer");
        other.setProperty("prism.decoder", "com.example.EventDeserializer");
        List<String> names = List.of("prism.decoder.config.b", "prism.decoder.config.a", "prism.decoder.config.c");
        List<String> reversed = List.of("prism.decoder.config.c", "prism.decoder.config.a", "prism.decoder.config.b");
        names.forEach(name -> one.setProperty(name, name));
        reversed.forEach(name -> other.setProperty(name, name));

        assertThat(read(one, names).decisionHash("ac-user-event"))
                .isEqualTo(read(other, reversed).decisionHash("ac-user-event"));
    }

    @Test
    void each_topic_may_have_its_own_metric_date_field_zone_and_flush_size_and_takes_the_global_ones_otherwise() {
        ArchiveSettings settings = settings(Map.of("prism.topics", "ac-user-event, ac.orders_v2",
                "prism.topic.ac.orders_v2.metric-date.field", "occurred_at",
                "prism.topic.ac.orders_v2.metric-date.zone", "America/New_York",
                "prism.topic.ac.orders_v2.flush.size", "100",
                "prism.topic.ac-user-event.flush.size", "500"));

        assertThat(settings.topic("ac.orders_v2"))
                .isEqualTo(new TopicSettings("occurred_at", ZoneId.of("America/New_York"), 100));
        assertThat(settings.topic("ac-user-event")).isEqualTo(new TopicSettings("metric_date", ZoneId.of("UTC"), 500));
    }

    @Test
    void a_change_to_one_topics_zone_changes_that_topics_fingerprint_only() {
        Map<String, String> two = Map.of("prism.topics", "ac-user-event,ac-orders");
        ArchiveSettings before = settings(two);
        ArchiveSettings after = settings(with(two, "prism.topic.ac-orders.metric-date.zone", "Asia/Tokyo"));

        assertThat(after.decisionHash("ac-user-event")).isEqualTo(before.decisionHash("ac-user-event"));
        assertThat(after.decisionHash("ac-orders")).isNotEqualTo(before.decisionHash("ac-orders"));
    }

    @Test
    void a_per_topic_setting_that_does_not_exist_or_names_a_topic_not_archived_is_refused() {
        assertThat(problems(Map.of("prism.topics", "ac-user-event",
                "prism.topic.ac-user-event.flush.sise", "100",
                "prism.topic.ac-orders.flush.size", "100",
                "prism.topic.ac-user-event.metric-date.zone", "Mars/Olympus_Mons",
                "prism.topic.ac-user-event.flush.size", "0"))).containsExactlyInAnyOrder(
                "prism.topic.ac-user-event.flush.sise is not a setting of a topic: prism.topic.<topic>. is followed by"
                        + " metric-date.field, metric-date.zone or flush.size",
                "prism.topic.ac-orders.flush.size names topic ac-orders, which prism.topics does not list",
                "prism.topic.ac-user-event.metric-date.zone is not a time zone such as UTC or Europe/Paris:"
                        + " 'Mars/Olympus_Mons'",
                "prism.topic.ac-user-event.flush.size must be 1 or more, but is 0");
    }

    @Test
    void topics_given_as_a_pattern_are_the_topics_it_matches_but_their_dead_letter_topics() {
        ArchiveSettings settings = settings(Map.of("prism.topics", "ac-.*", "prism.topics.is-pattern", "true"));

        Pattern subscribed = settings.subscription(Pattern.compile("ac-.*"));

        assertThat(settings.topicPattern()).map(Pattern::pattern).contains("ac-.*");
        assertThat(List.of("ac-user-event", "ac-orders", "ac-user-event.dlq-archive", "ac-x.dlqs"))
                .allMatch(topic -> subscribed.matcher(topic).matches());
        assertThat(List.of("ac-user-event.dlq", "ac-x.dlq", "other", "ac-user-event.dlq.dlq"))
                .noneMatch(topic -> subscribed.matcher(topic).matches());
    }

    @Test
    void a_dead_letter_topic_without_the_topic_in_its_name_is_not_read_by_a_pattern_that_matches_it() {
        ArchiveSettings settings = settings(Map.of("prism.topics", ".*-events", "prism.topics.is-pattern", "true",
                "prism.dead-letter.topic", "rejected-events"));

        Pattern subscribed = settings.subscription(Pattern.compile(".*-events"));

        assertThat(subscribed.matcher("user-events").matches()).isTrue();
        assertThat(subscribed.matcher("rejected-events").matches()).isFalse();
    }

    @Test
    void a_pattern_that_is_no_regular_expression_or_that_a_camel_uri_would_cut_is_refused() {
        assertThat(problems(Map.of("prism.topics", "ac-(user", "prism.topics.is-pattern", "true")))
                .singleElement().asString().startsWith("prism.topics is not a regular expression: ");
        assertThat(problems(Map.of("prism.topics", "ac-events?", "prism.topics.is-pattern", "true")))
                .containsExactly("prism.topics may not hold ?, #, % or & as a pattern (the archive route's Kafka"
                        + " endpoint URI would cut it there), but is 'ac-events?': write x{0,1} for x?");
    }

    @Test
    void a_per_topic_setting_for_a_topic_the_pattern_does_not_match_is_refused() {
        assertThat(problems(Map.of("prism.topics", "ac-.*", "prism.topics.is-pattern", "true",
                "prism.topic.ac-orders.flush.size", "100",
                "prism.topic.billing.flush.size", "100",
                "prism.topic.ac-orders.dlq.flush.size", "100"))).containsExactlyInAnyOrder(
                "prism.topic.billing.flush.size names topic billing, which the pattern of prism.topics does not match",
                "prism.topic.ac-orders.dlq.flush.size names topic ac-orders.dlq, a dead-letter topic, which is never"
                        + " archived");
    }

    @Test
    void storage_settings_are_read_with_their_tags_in_order() {
        ArchiveSettings settings = settings(Map.of("prism.s3.storage-class", "standard_ia",
                "prism.s3.server-side-encryption", "aws:kms", "prism.s3.kms-key-id", "alias/prism-lts",
                "prism.s3.tags", "team=data, retention=forever,empty="));

        assertThat(settings.storageClass()).isEqualTo("STANDARD_IA");
        assertThat(settings.serverSideEncryption()).contains("aws:kms");
        assertThat(settings.kmsKeyId()).contains("alias/prism-lts");
        assertThat(settings.tags()).containsExactly(Map.entry("team", "data"), Map.entry("retention", "forever"),
                Map.entry("empty", ""));
    }

    @Test
    void a_storage_class_that_keeps_files_unreadable_until_restored_is_refused_saying_why() {
        assertThat(problems(Map.of("prism.s3.storage-class", "DEEP_ARCHIVE"))).singleElement().asString()
                .startsWith("prism.s3.storage-class cannot be DEEP_ARCHIVE: a file written twice")
                .contains("lifecycle rule");
    }

    @Test
    void a_kms_key_without_kms_encryption_and_tags_s3_would_refuse_are_refused() {
        assertThat(problems(Map.of("prism.s3.kms-key-id", "alias/x", "prism.s3.server-side-encryption", "AES256",
                "prism.s3.tags", "team=data,bad,tag=x*y"))).containsExactly(
                "prism.s3.tags 'tag=x*y' is not a tag S3 takes: key=value, a key of 1 to 128 characters not starting"
                        + " with aws:, a value of up to 256, letters, digits, spaces and + - = . _ : / @ only",
                "prism.s3.kms-key-id needs prism.s3.server-side-encryption=aws:kms (or aws:kms:dsse)");
    }

    @Test
    void several_problems_are_reported_together_in_one_message() {
        InvalidSettingsException invalid = invalid(Map.of(
                "prism.flush.size", "0",
                "prism.avro.codec", "lz4",
                "prism.metric-date.zone", "Nowhere/Land",
                "prism.kafka.bootstrap-servers", ""));

        assertThat(invalid.problems()).hasSize(4);
        assertThat(invalid).hasMessageContainingAll("prism.flush.size", "prism.avro.codec",
                "prism.metric-date.zone", "prism.kafka.bootstrap-servers");
    }

    /** The shipped application.properties with a schema directory and {@code overrides}. */
    private static ArchiveSettings settings(Map<String, String> overrides) {
        Properties properties = shipped();
        properties.setProperty("prism.schema-directory", SCHEMA_DIRECTORY);
        properties.putAll(overrides);
        return read(properties);
    }

    private static ArchiveSettings read(Properties properties) {
        return read(properties, properties.stringPropertyNames());
    }

    /** The settings, the names of those that have a value listed in the order of {@code names}. */
    private static ArchiveSettings read(Properties properties, Collection<String> names) {
        return ArchiveSettings.from(name -> Optional.ofNullable(properties.getProperty(name)), names);
    }

    private static Map<String, String> with(Map<String, String> settings, String name, String value) {
        Map<String, String> changed = new HashMap<>(settings);
        changed.put(name, value);
        return changed;
    }

    private static InvalidSettingsException invalid(Map<String, String> overrides) {
        InvalidSettingsException invalid = catchThrowableOfType(InvalidSettingsException.class,
                () -> settings(overrides));
        assertThat(invalid).as("settings with %s", overrides).isNotNull();
        return invalid;
    }

    private static List<String> problems(Map<String, String> overrides) {
        return invalid(overrides).problems();
    }

    private static Properties shipped() {
        Properties properties = new Properties();
        try (InputStream in = ArchiveSettingsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
