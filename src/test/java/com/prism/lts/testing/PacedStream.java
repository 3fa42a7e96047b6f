package com.prism.lts.testing;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

import com.prism.lts.demo.DemoEvents;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Events sent at a steady rate from a thread of their own, round-robin over a topic's partitions, so that faults can
 * be injected while they flow; remembers where Kafka put each one.
 */
public final class PacedStream implements AutoCloseable {

    /**
     * One event to send: its id, its value, whether it is a record that can never be archived, and the timestamp its
     * producer gives it (null: the time it is sent).
     */
    public record Event(String id, byte[] value, boolean bad, Long timestamp) {

        public Event(String id, byte[] value, boolean bad) {
            this(id, value, bad, null);
        }
    }

    private final List<Produced> produced = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean stopped;

    private PacedStream(KafkaBroker kafka, String topic, int partitions, int count, int perSecond,
            LongFunction<Event> events) {
        thread = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"))) {
                long start = System.nanoTime();
                for (int i = 0; i < count && !stopped; i++) {
                    long due = start + (long) i * 1_000_000_000L / perSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    Event event = events.apply(i);
                    producer.send(new ProducerRecord<>(topic, i % partitions, event.timestamp(), null, event.value()),
                            (metadata, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    produced.add(new Produced(event.id(), metadata.partition(), metadata.offset(),
                                            event.bad()));
                                }
                            });
                    sent.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }, "paced-stream-" + topic);
    }

    /**
     * Sends {@code count} demo events over {@code days} days from 2018-01-01, {@code perSecond} a second; every
     * {@code badEvery}-th event (0: none) is not in the wire format, so it goes to the dead-letter topic.
     */
    public static PacedStream demo(KafkaBroker kafka, String topic, int partitions, int days, int count,
            int perSecond, int badEvery) {
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), days, topic.hashCode());
        return start(kafka, topic, partitions, count, perSecond, i -> {
            if (badEvery > 0 && i % badEvery == badEvery - 1) {
                return new Event("bad-" + i, ("not an event " + i).getBytes(), true);
            }
            GenericRecord event = demo.event(i);
            return new Event(event.get("event_id").toString(), Events.wire(Events.DEMO_SCHEMA_ID, event), false);
        });
    }

    public static PacedStream start(KafkaBroker kafka, String topic, int partitions, int count, int perSecond,
            LongFunction<Event> events) {
        PacedStream stream = new PacedStream(kafka, topic, partitions, count, perSecond, events);
        stream.thread.start();
        return stream;
    }

    /** How many events have been handed to the producer so far. */
    public int sent() {
        return sent.get();
    }

    /** Waits until every event is sent and acknowledged; returns what was produced, where. */
    public List<Produced> awaitDone(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new IllegalStateException("the stream did not finish within " + timeout);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the stream could not send every event", failure.get());
        }
        synchronized (produced) {
            return List.copyOf(produced);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join();
    }
}
