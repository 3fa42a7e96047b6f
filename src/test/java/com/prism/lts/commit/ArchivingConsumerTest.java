package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import com.prism.lts.testing.EmbeddedKafka;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer camel-kafka is given, against a real broker: it commits the watermark and nothing else. This is what
 * makes camel-kafka's own commit behaviour (which in versions before CAMEL-23997 committed every offset handed to
 * the route) irrelevant to what we ship.
 */
class ArchivingConsumerTest {

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void offsets_are_committed_only_up_to_the_lowest_record_not_yet_safe_and_other_commit_requests_are_refused() {
        String topic = "commits";
        String group = "g-" + UUID.randomUUID();
        send(topic, 10);
        CommitWatermark watermark = new CommitWatermark();
        try (Consumer<Object, Object> consumer = consumer(watermark, () -> 0, group)) {
            consumer.subscribe(List.of(topic));
            int polled = 0;
            while (polled < 10) {
                polled += consumer.poll(Duration.ofMillis(200)).count();
            }
            PartitionWatermark partition = watermark.partition(topic, 0);
            for (long offset = 0; offset < 10; offset++) {
                if (offset != 4 && offset != 7) {
                    partition.release(offset);
                }
            }
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(10)));
            consumer.commitAsync();

            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(50));
                return kafka.committed(group, topic).get(0) != null;
            });
            assertThat(kafka.committed(group, topic)).containsEntry(0, 4L);

            partition.release(4);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(50));
                return kafka.committed(group, topic).get(0) == 7L;
            });
            partition.release(7);
        }
        assertThat(kafka.committed(group, topic)).as("committed on close").containsEntry(0, 10L);
    }

    @Test
    void fetching_pauses_while_too_many_batches_wait_for_upload_and_resumes_by_itself() {
        String topic = "backpressure";
        String group = "g-" + UUID.randomUUID();
        AtomicInteger waiting = new AtomicInteger(4);
        send(topic, 5);
        try (Consumer<Object, Object> consumer = consumer(new CommitWatermark(), waiting::get, group)) {
            consumer.subscribe(List.of(topic));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> consumer.poll(Duration.ofMillis(100)).isEmpty());
            assertThat(consumer.paused()).isNotEmpty();

            waiting.set(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.poll(Duration.ofMillis(100)).isEmpty());
        }
    }

    private static Consumer<Object, Object> consumer(CommitWatermark watermark, IntSupplier waiting,
            String group) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        @SuppressWarnings("unchecked")
        Consumer<Object, Object> consumer = new ArchivingConsumerFactory(watermark, waiting, 4, 10)
                .getConsumer(properties);
        return consumer;
    }

    private static void send(String topic, int count) {
        kafka.createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) i}));
            }
        }
    }
}
