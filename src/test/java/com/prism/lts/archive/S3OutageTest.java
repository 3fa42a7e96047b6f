package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.observe.StopReport;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.LogCapture;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class S3OutageTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void the_archiver_started_while_s3_is_down_archives_once_s3_is_reachable() {
        String topic = "late-s3";
        TESTBED.kafka().createTopic(topic, 1);
        GenericRecord event = new DemoEvents(LocalDate.of(2018, 1, 4), 1, 5).event(0);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event));
        }
        Map<String, String> settings = TESTBED.settings(topic);

        TESTBED.s3().stop();
        try (RunningArchive archive = RunningArchive.start(settings)) {
            assertThat(archive.routesStarted()).as("routes started without S3").isFalse();
            TESTBED.s3().restart();
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == 1);
        } finally {
            TESTBED.s3().restart();
        }
        assertThat(TESTBED.archived(topic).records())
                .extracting(ArchiveContents.Archived::event).containsExactly(event);
    }

    @Test
    void a_stop_while_s3_is_down_says_how_many_batches_it_leaves_for_the_next_owner_and_why() {
        String topic = "stopped-outage";
        TESTBED.kafka().createTopic(topic, 1);
        DemoEvents oneDay = new DemoEvents(LocalDate.of(2018, 1, 1), 1, 4);
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.flush.size", "5");
        settings.put("camel.main.shutdown-timeout", "2");

        try (LogCapture stop = LogCapture.of(StopReport.class)) {
            RunningArchive archive = RunningArchive.start(settings);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> archive.routesStarted());
                TESTBED.s3().stop();
                try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
                    for (int i = 0; i < 10; i++) {
                        Events.send(producer, topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, oneDay.event(i)));
                    }
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> archive.metrics().uploadFailures() >= 2);
            } finally {
                archive.close();
                TESTBED.s3().restart();
            }

            assertThat(stop.lines()).anyMatch(line -> line.startsWith("INFO Stopping: no more records are read;"))
                    .anyMatch(line -> line.matches("WARN Prism LTS stopped after \\d+ s: 0 batches written and"
                            + " committed while stopping; 2 batches were not stored \\(.*\\), so their records are"
                            + " not committed, and whoever owns their partitions next reads them again"));
        }
        assertThat(TESTBED.kafka().committed(settings.get("prism.kafka.group-id"), topic).getOrDefault(0, 0L))
                .isZero();
    }

    @Test
    void while_s3_is_down_nothing_is_committed_fetching_pauses_and_every_record_lands_once_s3_is_back() {
        String topic = "outage";
        TESTBED.kafka().createTopic(topic, 1);
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 3, 3);
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.flush.size", "10");
        settings.put("prism.kafka.max-poll-records", "20");
        settings.put("prism.upload.max-waiting", "4");
        String group = settings.get("prism.kafka.group-id");

        List<GenericRecord> sent = new ArrayList<>();
        try (LogCapture consumerLog = LogCapture.of("com.prism.lts.commit.ArchivingConsumer");
                RunningArchive archive = RunningArchive.start(settings);
                KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.routesStarted());
            TESTBED.s3().stop();
            for (int i = 0; i < 600; i++) {
                GenericRecord event = demo.event(i);
                sent.add(event);
                producer.send(new ProducerRecord<>(topic, 0, null, Events.wire(Events.DEMO_SCHEMA_ID, event)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().uploadFailures() >= 20);
            assertThat(TESTBED.kafka().committed(group, topic).getOrDefault(0, 0L))
                    .as("offset committed while S3 was down").isZero();
            PartitionLedger.Lag paused = archive.partitions().get(0);
            assertThat(paused.next()).as("records fetched while uploads could not proceed").isLessThan(200);
            assertThat(archive.metrics().recordsArchived()).isZero();
            assertThat(consumerLog.lines()).as("back-pressure doing its job, not yet a warning")
                    .anyMatch(line -> line.startsWith("INFO Pausing Kafka fetches: "))
                    .noneMatch(line -> line.startsWith("WARN Pausing"));

            TESTBED.s3().restart();
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == sent.size());
            await().atMost(Duration.ofSeconds(10)).until(() -> TESTBED.kafka().committed(group, topic).get(0),
                    offset -> offset == sent.size());
            assertThat(consumerLog.lines()).anyMatch(line -> line.matches("INFO Resuming Kafka fetches after \\d+ ms"
                    + " paused: .*"));
        }

        assertThat(TESTBED.archived(topic).records())
                .extracting(ArchiveContents.Archived::event).containsExactlyInAnyOrderElementsOf(sent);
    }
}
