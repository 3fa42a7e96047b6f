package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.prism.lts.batch.DayBatches;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Years of history in random order must not fill the heap: the oldest open batch is written out early. */
class OpenBatchBoundsTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void no_more_batches_are_open_at_once_than_the_limit_and_every_record_is_archived() {
        List<GenericRecord> sent = send("many-days", 3000, 200);
        Map<String, String> settings = settings("many-days");
        settings.put("prism.flush.max-open-batches", "20");

        DayBatches dayBatches = archiveAll(settings, sent);

        assertThat(dayBatches.mostOpenBatches()).isBetween(1, 20);
    }

    @Test
    void open_batches_never_hold_more_bytes_than_the_limit_and_every_record_is_archived() {
        List<GenericRecord> sent = send("big-days", 8000, 10);
        Map<String, String> settings = settings("big-days");
        settings.put("prism.flush.size", "5000");
        settings.put("prism.flush.max-buffered-mb", "1");

        DayBatches dayBatches = archiveAll(settings, sent);

        assertThat(dayBatches.mostOpenBytes()).isBetween(1L, 1024L * 1024);
    }

    private static List<GenericRecord> send(String topic, int count, int days) {
        TESTBED.kafka().createTopic(topic, 1);
        DemoEvents demo = new DemoEvents(LocalDate.of(2010, 1, 1), days, days);
        List<GenericRecord> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (int i = 0; i < count; i++) {
                GenericRecord event = demo.event(i);
                sent.add(event);
                producer.send(new ProducerRecord<>(topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event)));
            }
        }
        return sent;
    }

    private static Map<String, String> settings(String topic) {
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.flush.quiet-ms", "60000");
        settings.put("prism.flush.max-age-ms", "60000");
        return settings;
    }

    private static DayBatches archiveAll(Map<String, String> settings, List<GenericRecord> sent) {
        String topic = settings.get("prism.topics");
        DayBatches dayBatches;
        try (RunningArchive archive = RunningArchive.start(settings)) {
            dayBatches = archive.bean("dayBatches", DayBatches.class);
            await().atMost(Duration.ofSeconds(60)).until(
                    () -> archive.metrics().recordsArchived() + dayBatches.openRecords() == sent.size());
        }
        assertThat(TESTBED.archived(topic).records())
                .extracting(ArchiveContents.Archived::event).containsExactlyInAnyOrderElementsOf(sent);
        return dayBatches;
    }
}
