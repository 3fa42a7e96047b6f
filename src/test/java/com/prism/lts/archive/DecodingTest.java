package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import com.prism.lts.decode.PlainAvroDeserializer;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RegistryStandIn;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How events are read: from a schema registry, from another deserializer, and with each kind of metric date. */
class DecodingTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    static RegistryStandIn registry;

    @BeforeAll
    static void start() {
        registry = RegistryStandIn.start();
        registry.put(Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void writer_schemas_come_from_the_registry_and_an_unreachable_registry_is_retried_never_dead_lettered() {
        String topic = "registry";
        TESTBED.kafka().createTopic(topic, 1);
        List<GenericRecord> sent = List.of(new DemoEvents(LocalDate.of(2018, 1, 4), 3, 4).event(0),
                new DemoEvents(LocalDate.of(2018, 1, 4), 3, 4).event(1));
        Map<String, String> settings = TESTBED.settings(topic);
        settings.remove("prism.schema-directory");
        settings.put("prism.schema-registry.url", registry.url().toString());
        settings.put("prism.schema-registry.username", "prism");
        settings.put("prism.schema-registry.password", "secret");

        registry.failWith(503);
        try (RunningArchive archive = RunningArchive.start(settings);
                KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (GenericRecord event : sent) {
                Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.authorizations().size() >= 3);
            assertThat(archive.metrics().recordsArchived()).isZero();
            registry.failWith(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.metrics().recordsArchived() == sent.size());
        } finally {
            registry.failWith(0);
        }

        assertThat(TESTBED.archived(topic).records())
                .extracting(ArchiveContents.Archived::event).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(TESTBED.kafka().topics()).doesNotContain(topic + ".dlq");
        assertThat(registry.authorizations()).allMatch(value -> value.equals("Basic cHJpc206c2VjcmV0"));
    }

    @Test
    void string_date_and_timestamp_metric_dates_each_land_on_their_day_in_the_configured_zone() {
        String topic = "kinds";
        TESTBED.kafka().createTopic(topic, 1);
        Schema asString = SchemaBuilder.record("AsString").fields().requiredString("metric_date").endRecord();
        Schema asDate = SchemaBuilder.record("AsDate").fields().name("metric_date")
                .type(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT))).noDefault().endRecord();
        Schema asTimestamp = SchemaBuilder.record("AsTimestamp").fields().name("metric_date")
                .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
                .endRecord();
        Events.publishSchema(TESTBED.schemas(), 11, asString);
        Events.publishSchema(TESTBED.schemas(), 12, asDate);
        Events.publishSchema(TESTBED.schemas(), 13, asTimestamp);
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.metric-date.zone", "America/New_York");

        Map<String, GenericRecord> expectedDays = Map.of(
                "2018-01-04", record(asString, "2018-01-04"),
                "2018-01-03", record(asString, "2018-01-04T04:59:00Z"),
                "2018-01-05", record(asDate, (int) LocalDate.of(2018, 1, 5).toEpochDay()),
                "2018-01-06", record(asTimestamp, Instant.parse("2018-01-07T04:30:00Z").toEpochMilli()),
                "2018-01-07", record(asTimestamp, Instant.parse("2018-01-07T05:30:00Z").toEpochMilli()));
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            expectedDays.values().forEach(event -> Events.send(producer, topic, 0, null,
                    Events.wire(schemaId(event.getSchema(), asString, asDate), event)));
        }

        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.metrics().recordsArchived() == 5);
        }

        List<ArchiveContents.Archived> archived = TESTBED.archived(topic).records();
        assertThat(archived).hasSize(5);
        expectedDays.forEach((day, event) -> assertThat(archived)
                .filteredOn(record -> record.event().equals(event))
                .singleElement().extracting(record -> record.archiveKey().day().toString()).isEqualTo(day));
    }

    @Test
    void another_kafka_deserializer_can_be_plugged_in_by_configuration() {
        String topic = "plugged";
        TESTBED.kafka().createTopic(topic, 1);
        GenericRecord event = new DemoEvents(LocalDate.of(2018, 3, 9), 1, 8).event(0);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            Events.send(producer, topic, 0, null, DemoEvents.encode(event));
            Events.send(producer, topic, 0, null, new byte[] {1, 2, 3});
        }
        Map<String, String> settings = TESTBED.settings(topic);
        settings.remove("prism.schema-directory");
        settings.put("prism.decoder", PlainAvroDeserializer.class.getName());

        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.metrics().recordsArchived() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> TESTBED.kafka().topics().contains(topic + ".dlq"));
        }

        assertThat(TESTBED.archived(topic).records())
                .singleElement().satisfies(record -> {
                    assertThat(record.event()).isEqualTo(event);
                    assertThat(record.key()).contains("year=2018/month=03/day=09");
                });
        assertThat(TESTBED.kafka().readAll(topic + ".dlq")).singleElement()
                .satisfies(deadLetter -> assertThat(deadLetter.value()).containsExactly(1, 2, 3));
    }

    private static GenericRecord record(Schema schema, Object metricDate) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("metric_date", metricDate);
        return record;
    }

    private static int schemaId(Schema schema, Schema asString, Schema asDate) {
        return schema.equals(asString) ? 11 : schema.equals(asDate) ? 12 : 13;
    }
}
