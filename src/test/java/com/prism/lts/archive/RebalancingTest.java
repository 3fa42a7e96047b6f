package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import com.prism.lts.commit.ArchivingConsumerFactory;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A deploy, a scale step or a node loss is a rebalance: it moves only the partitions that must move, and a replica
 * that comes back under its own name (a StatefulSet's pod) takes its partitions back at once.
 */
class RebalancingTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

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
            send(producer, topic, demo, 0, 20);
            try (ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "restarted-1.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> committed(group, topic) == 20);
                archive.kill();
            }
            send(producer, topic, demo, 20, 20);
            try (ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "restarted-2.log"))) {
                await().atMost(Duration.ofSeconds(40)).until(() -> committed(group, topic) == 40);
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

    private static long committed(String group, String topic) {
        return TESTBED.kafka().committed(group, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, DemoEvents demo, int from,
            int count) {
        for (int i = from; i < from + count; i++) {
            producer.send(new ProducerRecord<>(topic, i % 2, null, Events.wire(Events.DEMO_SCHEMA_ID, demo.event(i))));
        }
        producer.flush();
    }
}
