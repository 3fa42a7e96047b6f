package com.prism.lts.bench;

import java.time.Duration;

import com.prism.lts.config.ArchiveSettings;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The read limit: a plain {@link KafkaConsumer} that reads every record and drops it. No archiver can be faster on
 * this machine. It commits what it read at the archiver's commit interval, so that the benchmark sees its progress
 * the same way as the others'. Runs until it is stopped.
 */
public final class ReadLimit {

    private ReadLimit() {
    }

    public static void main(String[] args) {
        ArchiveSettings settings = BaselineSettings.read();
        long commitIntervalNanos = settings.commitIntervalMs() * 1_000_000;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(BaselineSettings.consumer(settings))) {
            consumer.subscribe(settings.topics());
            long nextCommit = System.nanoTime();
            boolean read = false;
            while (true) {
                // records are deserialised inside poll: dropping them here leaves nothing undone
                read |= !consumer.poll(Duration.ofMillis(500)).isEmpty();
                if (read && System.nanoTime() - nextCommit >= 0) {
                    consumer.commitSync();
                    read = false;
                    nextCommit = System.nanoTime() + commitIntervalNanos;
                }
            }
        }
    }
}
