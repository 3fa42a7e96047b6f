package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replicas join and die while events keep coming: every event still reaches S3 before its offset is committed. */
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
}
