package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeadLetterTest {

    static final int NO_DATE_SCHEMA_ID = 2;
    static final Schema NO_DATE = SchemaBuilder.record("Ping").fields().requiredString("user_id").endRecord();

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @BeforeAll
    static void start() {
        Events.publishSchema(TESTBED.schemas(), NO_DATE_SCHEMA_ID, NO_DATE);
    }

    @Test
    void each_kind_of_bad_record_goes_to_the_dead_letter_topic_with_its_reason_and_the_good_ones_are_archived() {
        String topic = "mixed";
        TESTBED.kafka().createTopic(topic, 1);
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 4), 1, 1);
        GenericRecord badDate = demo.event(100);
        badDate.put("metric_date", "2018-13-45");
        GenericRecord noDate = new GenericData.Record(NO_DATE);
        noDate.put("user_id", "user-9");
        byte[] valid = Events.wire(Events.DEMO_SCHEMA_ID, demo.event(0));

        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not-wire-format", "{\"metric_date\": \"2018-01-04\"}".getBytes(StandardCharsets.UTF_8));
        bad.put("unknown-schema", Events.wire(999, demo.event(1)));
        bad.put("invalid-avro", Arrays.copyOf(valid, valid.length / 2));
        bad.put("missing-metric-date", Events.wire(NO_DATE_SCHEMA_ID, noDate));
        bad.put("unreadable-metric-date", Events.wire(Events.DEMO_SCHEMA_ID, badDate));
        bad.put("null-value", null);

        List<GenericRecord> good = new java.util.ArrayList<>();
        Map<String, Long> badOffsets = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            int i = 10;
            for (Map.Entry<String, byte[]> entry : bad.entrySet()) {
                GenericRecord event = demo.event(i++);
                good.add(event);
                Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
                badOffsets.put(entry.getKey(), Events.send(producer, topic, 0,
                        entry.getKey().getBytes(StandardCharsets.UTF_8),
                        entry.getValue()).offset());
            }
            GenericRecord last = demo.event(i);
            good.add(last);
            Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, last));
        }
        Map<String, String> settings = TESTBED.settings(topic);

        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.metrics().recordsArchived() == good.size());
            await().atMost(Duration.ofSeconds(10)).until(() -> TESTBED.kafka().committed(
                    settings.get("prism.kafka.group-id"),
                    topic).get(0), offset -> offset == good.size() + bad.size());
        }

        assertThat(TESTBED.archived(topic).records())
                .extracting(ArchiveContents.Archived::event).containsExactlyElementsOf(good);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = TESTBED.kafka().readAll("mixed.dlq");
        assertThat(deadLetters).extracting(r -> header(r, DeadLetters.REASON)).containsExactlyElementsOf(bad.keySet());
        for (ConsumerRecord<byte[], byte[]> deadLetter : deadLetters) {
            String reason = header(deadLetter, DeadLetters.REASON);
            assertThat(deadLetter.key()).asString(StandardCharsets.UTF_8).isEqualTo(reason);
            assertThat(deadLetter.value()).isEqualTo(bad.get(reason));
            assertThat(header(deadLetter, DeadLetters.SOURCE_TOPIC)).isEqualTo(topic);
            assertThat(header(deadLetter, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(deadLetter, DeadLetters.SOURCE_OFFSET)).isEqualTo(badOffsets.get(reason).toString());
            assertThat(header(deadLetter, DeadLetters.DETAIL)).isNotBlank();
        }
        assertThat(header(deadLetters.get(4), DeadLetters.DETAIL)).contains("2018-13-45");
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
