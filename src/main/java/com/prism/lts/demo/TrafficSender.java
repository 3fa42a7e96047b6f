package com.prism.lts.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import com.prism.lts.ToolFailure;
import com.prism.lts.decode.ConfluentAvroDecoder;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Sends demo traffic the way a Confluent Avro producer would: each event framed in the wire format with its schema
 * id, keyed by its user. Event {@code i} goes to partition {@code i % partitions}, so every partition gets its share.
 */
public final class TrafficSender {

    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Producer<byte[], byte[]> producer;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public TrafficSender(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /**
     * Sends every event of {@code traffic} and returns, once Kafka has acknowledged them all, how long it took.
     * {@code progress} hears the number acknowledged so far about once a second.
     *
     * @throws ToolFailure when Kafka refuses an event; the events before it may have been sent
     */
    public Duration send(Traffic traffic, int schemaId, LongConsumer progress) throws InterruptedException {
        DemoEvents events = traffic.events();
        long start = System.nanoTime();
        Pace pace = new Pace(traffic.rate(), start);
        long nextReport = start + REPORT_EVERY_NANOS;
        try {
            for (long i = 0; i < traffic.count() && failure.get() == null; i++) {
                pace.await(i);
                GenericRecord event = events.event(i);
                byte[] key = event.get("user_id").toString().getBytes(StandardCharsets.UTF_8);
                byte[] value = ConfluentAvroDecoder.frame(schemaId, DemoEvents.encode(event));
                producer.send(new ProducerRecord<>(traffic.topic(), (int) (i % traffic.partitions()), key, value),
                        this::acknowledge);
                if (System.nanoTime() >= nextReport) {
                    progress.accept(acknowledged.get());
                    nextReport += REPORT_EVERY_NANOS;
                }
            }
            producer.flush();
        } catch (KafkaException e) {
            failure.compareAndSet(null, e);
        }
        Exception failed = failure.get();
        if (failed != null) {
            throw new ToolFailure("Kafka did not take the events after " + acknowledged.get() + " of them: "
                    + failed.getMessage());
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** How many events Kafka has acknowledged so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    private void acknowledge(RecordMetadata metadata, Exception e) {
        if (e != null) {
            failure.compareAndSet(null, e);
        } else {
            acknowledged.incrementAndGet();
        }
    }
}
