package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.Produced;
import com.prism.lts.testing.Reconciliation;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several topics in one replica, each filed by its own rules (issue 18, acceptance 3): its own metric-date field and
 * zone and its own flush size, the global ones for a topic without its own, and a topic that the pattern matches
 * created while the archiver runs archived like the others. Every record exactly once.
 */
class PerTopicSettingsTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final int DAYS = 3;
    private static final int PER_DAY = 100;

    @Test
    void topics_a_pattern_matches_are_each_archived_by_their_own_rules_exactly_once_one_created_meanwhile_too() {
        String users = "acme-users";
        String orders = "acme.orders-v2";
        String late = "acme-late";
        Map<String, String> settings = TESTBED.settings("per-topic");
        settings.put("prism.topics", "acme[.-].*");
        settings.put("prism.topics.is-pattern", "true");
        settings.put("prism.flush.size", "60");
        settings.put("prism.topic.acme-users.flush.size", "40");
        settings.put("prism.topic.acme.orders-v2.metric-date.field", "occurred_at");
        settings.put("prism.topic.acme.orders-v2.metric-date.zone", "America/New_York");
        settings.put("prism.topic.acme.orders-v2.flush.size", "25");
        // a topic created while the archiver runs is seen at the next metadata refresh: 1 s here, 5 minutes by default
        settings.put("camel.component.kafka.metadata-max-age-ms", "1000");
        Map<String, List<Produced>> produced = new HashMap<>();

        try (RunningArchive archive = RunningArchive.start(settings)) {
            produced.put(users, created(users, 1, true));
            produced.put(orders, created(orders, 2, false));
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == 2L * DAYS
                    * PER_DAY && !TESTBED.kafka().readAll(users + ".dlq").isEmpty());

            // created after the dead-letter topic of acme-users, which the same pattern matches and which is not read
            produced.put(late, created(late, 3, false));
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == 3L * DAYS
                    * PER_DAY);
        }

        assertArchivedExactlyOnce(users, produced.get(users), 40, event -> event.get("metric_date").toString());
        assertArchivedExactlyOnce(late, produced.get(late), 60, event -> event.get("metric_date").toString());
        assertArchivedExactlyOnce(orders, produced.get(orders), 25, event -> Instant.ofEpochMilli(
                (Long) event.get("occurred_at")).atZone(NEW_YORK).toLocalDate().toString());
        assertThat(records(orders)).as("records of acme.orders-v2 whose day in New York is not their metric_date")
                .anyMatch(record -> !record.archiveKey().day().toString().equals(
                        record.event().get("metric_date").toString()));
        assertThat(TESTBED.kafka().topics()).as("the dead-letter topic's record was not read, nor dead-lettered again")
                .contains(users + ".dlq").doesNotContain(users + ".dlq.dlq");
        assertThat(TESTBED.s3().keys(Testbed.BUCKET, "per-topic/" + users + ".dlq/")).isEmpty();
    }

    @Test
    void the_settings_of_a_topic_listed_may_come_from_environment_variables_whatever_its_name() {
        String dotted = "env.orders-v2";
        Map<String, String> settings = TESTBED.settings("per-topic-env");
        settings.put("prism.topics", "env-users," + dotted);
        // before the archiver starts: its consumer asks the broker to create a listed topic that does not exist
        TESTBED.kafka().createTopic(dotted, 1);
        List<Produced> sent;
        try (RunningArchive archive = RunningArchive.start(settings, Map.of(
                "PRISM_TOPIC_ENV_ORDERS_V2_FLUSH_SIZE", "30",
                "PRISM_TOPIC_ENV_ORDERS_V2_METRIC_DATE_FIELD", "occurred_at",
                "PRISM_TOPIC_ENV_ORDERS_V2_METRIC_DATE_ZONE", "America/New_York"))) {
            sent = send(dotted, 1, false);
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == DAYS * PER_DAY);
        }

        assertArchivedExactlyOnce("per-topic-env", dotted, sent, 30, event -> Instant.ofEpochMilli(
                (Long) event.get("occurred_at")).atZone(NEW_YORK).toLocalDate().toString());
    }

    /**
     * A topic of one partition, and {@code PER_DAY} events on each of {@code DAYS} days to it; with a bad record first if
     * asked.
     */
    private static List<Produced> created(String topic, long seed, boolean withBadRecord) {
        TESTBED.kafka().createTopic(topic, 1);
        return send(topic, seed, withBadRecord);
    }

    private static List<Produced> send(String topic, long seed, boolean withBadRecord) {
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 4), DAYS, seed);
        List<Produced> produced = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            if (withBadRecord) {
                RecordMetadata bad = Events.send(producer, topic, 0, null, "not Avro".getBytes(StandardCharsets.UTF_8));
                produced.add(new Produced("bad", 0, bad.offset(), true));
            }
            for (int i = 0; i < DAYS * PER_DAY; i++) {
                GenericRecord event = demo.event(i);
                RecordMetadata sent = Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
                produced.add(new Produced(event.get("event_id").toString(), 0, sent.offset(), false));
            }
        }
        return produced;
    }

    private static void assertArchivedExactlyOnce(String topic, List<Produced> produced, int flushSize,
            Function<GenericRecord, String> day) {
        assertArchivedExactlyOnce("per-topic", topic, produced, flushSize, day);
    }

    /**
     * Every record of {@code topic} once in the archive (the bad one in the dead-letter topic), each in the folder of
     * the day {@code day} gives it, in files of at most {@code flushSize} records, some of exactly that many.
     */
    private static void assertArchivedExactlyOnce(String prefix, String topic, List<Produced> produced, int flushSize,
            Function<GenericRecord, String> day) {
        ArchiveContents archived = ArchiveContents.read(TESTBED.s3(), Testbed.BUCKET, prefix + "/" + topic + "/");
        Reconciliation reconciliation = Reconciliation.of(produced, archived,
                TESTBED.kafka().readAll(topic + ".dlq"));

        assertThat(reconciliation.exactlyOnce()).as(topic + ": " + reconciliation).isTrue();
        assertThat(archived.records()).as(topic + ": every record in the folder of its own day").allSatisfy(record ->
                assertThat(record.archiveKey().day().toString()).isEqualTo(day.apply(record.event())));
        assertThat(archived.files().values()).as(topic + ": records per file")
                .allSatisfy(file -> assertThat(file.records().size()).isBetween(1, flushSize))
                .anySatisfy(file -> assertThat(file.records()).hasSize(flushSize));
    }

    private static List<ArchiveContents.Archived> records(String topic) {
        return ArchiveContents.read(TESTBED.s3(), Testbed.BUCKET, "per-topic/" + topic + "/").records();
    }
}
