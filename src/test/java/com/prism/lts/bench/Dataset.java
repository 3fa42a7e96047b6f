package com.prism.lts.bench;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.KafkaBroker;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Records preloaded into a topic before any contestant starts, and where each partition of it ends. */
record Dataset(String topic, long records, long valueBytes, Map<Integer, Long> endOffsets) {

    /**
     * Sends {@code records} demo events in the Confluent wire format, spread round-robin over the partitions, so
     * that each partition holds every day interleaved.
     */
    static Dataset preload(KafkaBroker kafka, String topic, int partitions, long records, DemoEvents events,
            PrintStream out) {
        return preload(kafka, topic, partitions, records, events::event, out);
    }

    /** As above, the {@code i}-th record being {@code events.apply(i)}. */
    static Dataset preload(KafkaBroker kafka, String topic, int partitions, long records,
            LongFunction<GenericRecord> events, PrintStream out) {
        kafka.createTopic(topic, partitions);
        AtomicLongArray ends = new AtomicLongArray(partitions);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong bytes = new AtomicLong();
        long started = System.nanoTime();
        // one request in flight per broker: on a topic just created, the broker may still refuse the first batches
        // (NOT_LEADER_OR_FOLLOWER), and the idempotent producer's later batches then fail for good with
        // OUT_OF_ORDER_SEQUENCE_NUMBER (seen preloading the second of four topics of 75 partitions)
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of(
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1))) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                byte[] value = Events.wire(Events.DEMO_SCHEMA_ID, events.apply(i));
                bytes.addAndGet(value.length);
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value), (sent, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        ends.accumulateAndGet(sent.partition(), sent.offset() + 1, Math::max);
                    }
                });
                if ((i + 1) % 100_000 == 0) {
                    out.printf("  preloaded %,d of %,d records into %s%n", i + 1, records, topic);
                }
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("could not preload " + topic, failure.get());
        }
        Map<Integer, Long> endOffsets = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            endOffsets.put(p, ends.get(p));
        }
        out.printf("  preloaded %,d records (%,.1f MB) into %s in %.1f s%n", records, bytes.get() / 1e6, topic,
                (System.nanoTime() - started) / 1e9);
        return new Dataset(topic, records, bytes.get(), endOffsets);
    }

    /** How many records {@code committed} offsets account for. */
    long committedRecords(Map<Integer, Long> committed) {
        return committed.values().stream().mapToLong(Long::longValue).sum();
    }

    boolean allCommitted(Map<Integer, Long> committed) {
        return endOffsets.entrySet().stream().allMatch(end -> end.getValue().equals(committed.get(end.getKey())));
    }
}
