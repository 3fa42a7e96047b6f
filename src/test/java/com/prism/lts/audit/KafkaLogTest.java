package com.prism.lts.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.LongStream;

import com.prism.lts.demo.KafkaTarget;
import com.prism.lts.testing.PlainKafka;
import com.prism.lts.testing.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the audit learns from Kafka's log, against a real broker whose log start moves while the audit reads. */
class KafkaLogTest {

    static EmbeddedKafka kafka;
    static Admin admin;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        kafka.close();
    }

    @Test
    void a_gap_the_log_start_passed_while_the_audit_read_is_not_checked_rather_than_skipped_by_kafka()
            throws Exception {
        TopicPartition partition = new TopicPartition("moving-start", 0);
        kafka.createTopic(partition.topic(), 1);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(partition.topic(), 0, null, new byte[] {(byte) i})).get();
            }
        }
        admin.alterConsumerGroupOffsets("archiver", Map.of(partition, new OffsetAndMetadata(30))).all().get();
        // the files hold 0-9 and 20-29: 10-19 is a gap, and Kafka's log still holds it when the audit starts
        PartitionAudit audit = new PartitionAudit(partition);
        audit.archived(LongStream.range(0, 10).toArray());
        audit.archived(LongStream.range(20, 30).toArray());
        try (KafkaTarget target = PlainKafka.connect(kafka.bootstrapServers());
                KafkaLog log = new KafkaLog(target.admin(), target.consumer(KafkaLog.readerSettings()),
                        key -> null)) {
            audit.kafka = log.topic(partition.topic(), "archiver").map(topic -> topic.partitions().get(0));
            assertThat(audit.kafka.orElseThrow().logStart()).isZero();

            // retention moves the log start past the gap after the audit asked where the log starts
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(25))).all().get();
            audit.judge(log, "archiver", "not asked");
        }

        assertThat(audit.skippedByKafka.isEmpty()).isTrue();
        assertThat(audit.missing.isEmpty()).isTrue();
        assertThat(audit.notChecked).containsOnlyKeys(PartitionAudit.LOG_START_MOVED);
        assertThat(PartitionAudit.ranges(audit.notChecked.get(PartitionAudit.LOG_START_MOVED)))
                .containsExactly(new long[] {10, 19});
        assertThat(audit.complete()).isFalse();
    }
}
