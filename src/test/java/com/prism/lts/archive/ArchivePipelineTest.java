package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.S3Server.ArchiveFile;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.Provenance;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ArchivePipelineTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void a_record_of_2018_01_04_lands_under_year_2018_month_01_day_04_exactly_as_sent() {
        String topic = "ac-user-event";
        TESTBED.kafka().createTopic(topic, 1);
        GenericRecord event = new DemoEvents(LocalDate.of(2018, 1, 4), 1, 42).event(0);
        RecordMetadata sent;
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            sent = Events.send(producer, topic, 0, "user-1".getBytes(), Events.wire(Events.DEMO_SCHEMA_ID, event));
        }
        Map<String, String> settings = TESTBED.settings(topic);
        settings.remove("prism.s3.prefix");
        String key = "topics/ac-user-event/year=2018/month=01/day=04/ac-user-event+0+0000000000.avro";

        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> TESTBED.s3().keys(Testbed.BUCKET, "topics/").contains(key));
            await().atMost(Duration.ofSeconds(10)).until(
                    () -> TESTBED.kafka().committed(settings.get("prism.kafka.group-id"), topic).get(0),
                    offset -> offset == 1L);
        }

        ArchiveFile file = TESTBED.s3().read(Testbed.BUCKET, key);
        assertThat(file.records()).containsExactly(event);
        assertThat(new String(file.meta().get(Provenance.TOPIC))).isEqualTo(topic);
        assertThat(Provenance.decode(file.meta().get(Provenance.OFFSETS))).containsExactly(0L);
        assertThat(Provenance.decode(file.meta().get(Provenance.TIMESTAMPS))).containsExactly(sent.timestamp());
        assertThat(TESTBED.s3().metadata(Testbed.BUCKET, key)).containsEntry("record-count", "1")
                .containsEntry("first-offset", "0").containsEntry("last-offset", "0")
                .containsEntry("schema-id", "1");
        assertThat(TESTBED.s3().client().headObject(h -> h.bucket(Testbed.BUCKET).key(key)).contentType())
                .isEqualTo("application/avro");
        assertThat(TESTBED.s3().directory().resolve(Testbed.BUCKET).resolve(key)).exists();
    }

    @Test
    void ten_thousand_records_over_seven_days_on_three_partitions_are_each_archived_once_in_their_day()
            throws Exception {
        String topic = "seven-days";
        TESTBED.kafka().createTopic(topic, 3);
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 7, 7);
        Map<String, GenericRecord> sent = new HashMap<>();
        Map<String, Future<RecordMetadata>> acks = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (int i = 0; i < 10_000; i++) {
                GenericRecord event = demo.event(i);
                sent.put(event.get("event_id").toString(), event);
                acks.put(event.get("event_id").toString(), producer.send(
                        new ProducerRecord<>(topic, i % 3, null, Events.wire(Events.DEMO_SCHEMA_ID, event))));
            }
        }
        Map<String, String> settings = TESTBED.settings(topic);

        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> archive.metrics().recordsArchived() == 10_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> TESTBED.kafka().committed(
                    settings.get("prism.kafka.group-id"),
                    topic).values().stream().mapToLong(Long::longValue).sum() == 10_000);
        }

        ArchiveContents archive = TESTBED.archived(topic);
        List<ArchiveContents.Archived> records = archive.records();
        assertThat(records).hasSize(10_000);
        assertThat(records).extracting(r -> r.event().get("event_id").toString()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(sent.keySet());
        for (ArchiveContents.Archived record : records) {
            String id = record.event().get("event_id").toString();
            RecordMetadata ack = acks.get(id).get();
            assertThat(record.event()).isEqualTo(sent.get(id));
            assertThat(record.archiveKey().day().toString()).isEqualTo(record.event().get("metric_date").toString());
            assertThat(record.partition()).isEqualTo(ack.partition());
            assertThat(record.offset()).as("offset named by the file's header").isEqualTo(ack.offset());
            assertThat(record.timestamp()).as("timestamp named by the file's header").isEqualTo(ack.timestamp());
        }
        archive.files().keySet().forEach(key -> {
            List<ArchiveContents.Archived> inFile = records.stream().filter(r -> r.key().equals(key)).toList();
            assertThat(TESTBED.s3().metadata(Testbed.BUCKET, key))
                    .containsEntry("record-count", Integer.toString(inFile.size()))
                    .containsEntry("first-offset", Long.toString(inFile.get(0).offset()))
                    .containsEntry("last-offset", Long.toString(inFile.get(inFile.size() - 1).offset()));
        });
        Map<String, List<Integer>> sizesByPartitionDay = new HashMap<>();
        archive.files().forEach((key, file) -> {
            ArchiveKey parsed = ArchiveKey.parse(key).orElseThrow();
            sizesByPartitionDay.computeIfAbsent(parsed.partition() + "/" + parsed.day(), k -> new ArrayList<>())
                    .add(file.records().size());
        });
        assertThat(sizesByPartitionDay).hasSize(3 * 7);
        sizesByPartitionDay.forEach((partitionDay, sizes) -> {
            List<Integer> sorted = sizes.stream().sorted(Comparator.reverseOrder()).toList();
            assertThat(sorted.subList(0, sorted.size() - 1)).as(partitionDay + " has one partial file at most")
                    .allMatch(size -> size == 250);
            assertThat(sorted.get(sorted.size() - 1)).isBetween(1, 250);
        });
    }
}
