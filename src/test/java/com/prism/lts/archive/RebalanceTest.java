package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.prism.lts.commit.ArchivingConsumerFactory;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replicas join and die while events keep coming: every event still reaches S3 before its offset is committed. A
 * deploy, a scale step or a node loss is a rebalance: it moves only the partitions that must move, and a replica that
 * comes back under its own name (a StatefulSet's pod) takes its partitions back at once.
 */
class RebalanceTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void a_replica_joining_and_another_killed_mid_stream_lose_nothing() {
        String topic = "rebalance";
        TESTBED.kafka().createTopic(topic, 4);
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.flush.size", "50");
        settings.put("prism.flush.quiet-ms", "500");
        String group = settings.get("prism.kafka.group-id");
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 5, 11);
        List<GenericRecord> sent = new ArrayList<>();

        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer();
                ArchiveProcess first = ArchiveProcess.start(settings, Path.of("target", "rebalance-first.log"))) {
            send(producer, topic, demo, sent, 1000);
            await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) > 0);
            try (RunningArchive second = RunningArchive.start(settings)) {
                send(producer, topic, demo, sent, 1000);
                await().atMost(Duration.ofSeconds(60)).until(() -> second.metrics().recordsArchived() > 0);
                first.kill();
                send(producer, topic, demo, sent, 1000);
                await().atMost(Duration.ofSeconds(90)).until(() -> committedTotal(group, topic) == sent.size());
            }
        }

        Set<String> archivedIds = new HashSet<>();
        TESTBED.archived(topic).records()
                .forEach(record -> archivedIds.add(record.event().get("event_id").toString()));
        assertThat(archivedIds).containsAll(sent.stream().map(event -> event.get("event_id").toString()).toList());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, DemoEvents demo,
            List<GenericRecord> sent, int count) {
        for (int i = 0; i < count; i++) {
            GenericRecord event = demo.event(sent.size());
            sent.add(event);
            producer.send(new ProducerRecord<>(topic, sent.size() % 4, null, Events.wire(Events.DEMO_SCHEMA_ID,
                    event)));
        }
        producer.flush();
    }

    private static long committedTotal(String group, String topic) {
        return TESTBED.kafka().committed(group, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void a_replica_joining_takes_partitions_from_the_others_without_them_giving_up_the_rest() {
        String topic = "joining";
        TESTBED.kafka().createTopic(topic, 4);
        Map<String, String> settings = TESTBED.settings(topic);

        try (RunningArchive first = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ledgers(first).size() == 4);
            Map<TopicPartition, PartitionLedger> before = ledgers(first);
            try (RunningArchive second = RunningArchive.start(settings)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> ledgers(first).size() == 2 && ledgers(second).size() == 2);
                ledgers(first).forEach((partition, ledger) -> assertThat(ledger)
                        .as("%s stayed with the first replica throughout", partition).isSameAs(before.get(partition)));
            }
        }
    }

    @Test
    void a_replica_killed_and_started_again_under_its_name_takes_its_partitions_back_before_its_session_ends() {
        String topic = "restarted";
        TESTBED.kafka().createTopic(topic, 2);
        Map<String, String> settings = new HashMap<>(TESTBED.settings(topic));
        settings.put("prism.kafka.group-instance-id", "prism-lts-0");
        // Without static membership the restarted replica would get no partition for these 60 s
        settings.put("camel.component.kafka.session-timeout-ms", "60000");
        String group = settings.get("prism.kafka.group-id");
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), 2, 5);

        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            sendFrom(producer, topic, demo, 0, 20);
            try (ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "restarted-1.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal(group, topic) == 20);
                archive.kill();
            }
            sendFrom(producer, topic, demo, 20, 20);
            try (ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "restarted-2.log"))) {
                await().atMost(Duration.ofSeconds(40)).until(() -> committedTotal(group, topic) == 40);
                assertThat(TESTBED.kafka().assignedMembers(group)).containsExactly("prism-lts-0");
                archive.terminate();
            }
        }
    }

    private static Map<TopicPartition, PartitionLedger> ledgers(RunningArchive archive) {
        Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
        archive.bean("archivingConsumers", ArchivingConsumerFactory.class).ledgers()
                .forEach(ledger -> ledgers.put(ledger.partition(), ledger));
        return ledgers;
    }

    private static void sendFrom(KafkaProducer<byte[], byte[]> producer, String topic, DemoEvents demo, int from,
            int count) {
        for (int i = from; i < from + count; i++) {
            producer.send(new ProducerRecord<>(topic, i % 2, null, Events.wire(Events.DEMO_SCHEMA_ID, demo.event(i))));
        }
        producer.flush();
    }
}
