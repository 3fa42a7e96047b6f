package com.prism.lts.commit;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;

/** Gives camel-kafka {@link ArchivingConsumer}s, so that commits follow the {@link CommitWatermark}. */
public final class ArchivingConsumerFactory extends DefaultKafkaClientFactory {

    private final CommitWatermark watermark;
    private final IntSupplier waitingUploads;
    private final int maxWaitingUploads;
    private final long commitIntervalMs;
    private final Set<ArchivingConsumer> live = ConcurrentHashMap.newKeySet();

    public ArchivingConsumerFactory(CommitWatermark watermark, IntSupplier waitingUploads, int maxWaitingUploads,
            long commitIntervalMs) {
        this.watermark = watermark;
        this.waitingUploads = waitingUploads;
        this.maxWaitingUploads = maxWaitingUploads;
        this.commitIntervalMs = commitIntervalMs;
    }

    @Override
    public Consumer getConsumer(Properties properties) {
        ArchivingConsumer consumer = new ArchivingConsumer(properties, watermark, waitingUploads, maxWaitingUploads,
                commitIntervalMs, live::remove);
        live.add(consumer);
        return consumer;
    }

    /** Whether there are consumers and every one of them has joined its group. */
    public boolean joined() {
        return !live.isEmpty() && live.stream().allMatch(ArchivingConsumer::joined);
    }
}
