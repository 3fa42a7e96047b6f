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
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Suspending the archive route (JMX, the route controller, an operator's tool) writes its open batches; resuming it
 * makes camel-kafka seek back to the committed offset, which may not have caught up with them yet: records already in
 * a batch must not be read a second time.
 */
class SuspendResumeTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void a_route_suspended_and_resumed_reads_no_record_a_second_time() throws Exception {
        String topic = "suspended";
        TESTBED.kafka().createTopic(topic, 1);
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 3, 1), 3, 8);
        List<GenericRecord> sent = new ArrayList<>();
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.flush.quiet-ms", "600000");
        settings.put("prism.flush.max-age-ms", "600000");

        try (RunningArchive archive = RunningArchive.start(settings);
                KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            DayBatches dayBatches = archive.bean("dayBatches", DayBatches.class);
            send(producer, topic, demo, sent, 30);
            await().atMost(Duration.ofSeconds(30)).until(() -> dayBatches.openRecords() == 30);

            archive.context().getRouteController().suspendRoute("archive");
            assertThat(archive.context().getRouteController().getRouteStatus("archive"))
                    .isEqualTo(ServiceStatus.Suspended);
            archive.context().getRouteController().resumeRoute("archive");
            send(producer, topic, demo, sent, 30);

            await().atMost(Duration.ofSeconds(30)).until(() -> archive.readAndRouted(60));
            assertThat(dayBatches.openRecords()).as("records in open batches: only those sent since").isEqualTo(30);
        }

        assertThat(TESTBED.archived(topic).records()).extracting(ArchiveContents.Archived::event)
                .containsExactlyInAnyOrderElementsOf(sent);
        assertThat(TESTBED.kafka().committed(settings.get("prism.kafka.group-id"), topic)).containsEntry(0, 60L);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, DemoEvents demo,
            List<GenericRecord> sent, int count) {
        for (int i = 0; i < count; i++) {
            GenericRecord event = demo.event(sent.size());
            sent.add(event);
            Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
        }
    }
}
