package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CrashRecoveryTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void an_open_day_holds_the_commit_back_so_a_hard_kill_loses_nothing() {
        String topic = "crash";
        TESTBED.kafka().createTopic(topic, 1);
        DemoEvents monday = new DemoEvents(LocalDate.of(2018, 1, 1), 1, 1);
        DemoEvents tuesday = new DemoEvents(LocalDate.of(2018, 1, 2), 1, 2);
        DemoEvents wednesday = new DemoEvents(LocalDate.of(2018, 1, 3), 1, 3);
        List<GenericRecord> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(monday.event(i));
        }
        sent.add(wednesday.event(0));
        for (int i = 0; i < 10; i++) {
            sent.add(tuesday.event(i));
            if (i % 3 == 0) {
                sent.add(wednesday.event(i + 1));
            }
        }
        long wednesdayFirstOffset = 10;
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (GenericRecord event : sent) {
                Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
            }
        }
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.flush.size", "10");
        settings.put("prism.flush.quiet-ms", "600000");
        settings.put("prism.flush.max-age-ms", "600000");
        String group = settings.get("prism.kafka.group-id");

        try (ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "crash-archive.log"))) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> TESTBED.s3().keys(Testbed.BUCKET, topic + "/").size() == 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> TESTBED.kafka().committed(group, topic).get(0),
                    offset -> offset != null && offset == wednesdayFirstOffset);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(
                    () -> TESTBED.kafka().committed(group, topic).get(0) == wednesdayFirstOffset);
            archive.kill();
        }
        assertThat(TESTBED.s3().keys(Testbed.BUCKET, topic + "/")).noneMatch(key -> key.contains("day=03"));

        settings.put("prism.flush.quiet-ms", "500");
        try (RunningArchive restarted = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> TESTBED.kafka().committed(group, topic).get(0),
                    offset -> offset == sent.size());
        }
        assertThat(TESTBED.archived(topic).records())
                .extracting(ArchiveContents.Archived::event).containsExactlyInAnyOrderElementsOf(sent);
    }
}
