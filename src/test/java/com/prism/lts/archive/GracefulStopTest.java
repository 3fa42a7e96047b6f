package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.prism.lts.batch.DayBatches;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.Management;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GracefulStopTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void a_graceful_stop_writes_the_open_batches_and_commits_them() {
        String topic = "graceful";
        TESTBED.kafka().createTopic(topic, 2);
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 2, 9);
        List<GenericRecord> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (int i = 0; i < 40; i++) {
                GenericRecord event = demo.event(i);
                sent.add(event);
                Events.send(producer, topic, i % 2, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
            }
        }
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.flush.quiet-ms", "600000");
        settings.put("prism.flush.max-age-ms", "600000");
        String group = settings.get("prism.kafka.group-id");

        try (RunningArchive archive = RunningArchive.start(settings)) {
            DayBatches dayBatches = archive.bean("dayBatches", DayBatches.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.readAndRouted(sent.size())
                    && dayBatches.openBytes() > 0 && dayBatches.openBatches() == 4);
            assertThat(TESTBED.s3().keys(Testbed.BUCKET, topic + "/")).isEmpty();
        }

        assertThat(TESTBED.archived(topic).records())
                .extracting(ArchiveContents.Archived::event).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(TESTBED.kafka().committed(group, topic)).containsEntry(0, 20L).containsEntry(1, 20L);
    }

    @Test
    void sigterm_as_kubernetes_sends_it_writes_the_open_batches_and_commits_them() {
        String topic = "sigterm";
        TESTBED.kafka().createTopic(topic, 1);
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 2, 1), 3, 10);
        List<GenericRecord> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (int i = 0; i < 30; i++) {
                GenericRecord event = demo.event(i);
                sent.add(event);
                Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
            }
        }
        Management management = new Management(Management.freePort());
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.flush.quiet-ms", "600000");
        settings.put("prism.flush.max-age-ms", "600000");
        settings.put("camel.management.port", Integer.toString(management.port()));

        try (ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "sigterm-archive.log"))) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
                    () -> management.metric("prism_batches_open_records") == sent.size()
                            && management.metric("prism_batches_open") == 3);
            archive.terminate();
            assertThat(archive.log()).contains("Stopping on SIGTERM: no more records are read; the 3 open batches"
                    + " (30 records) and the 0 waiting for S3 are to be written and committed, for at most 30 s")
                    .containsPattern("Prism LTS stopped after \\d+ s: 3 batches written and committed while stopping")
                    .doesNotContain("triggered by SIGTERM");
        }

        assertThat(TESTBED.archived(topic).records())
                .extracting(ArchiveContents.Archived::event).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(TESTBED.kafka().committed(settings.get("prism.kafka.group-id"), topic)).containsEntry(0, 30L);
    }
}
