package com.prism.lts.commit;

import java.util.Properties;
import java.util.function.IntSupplier;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;

/** Gives camel-kafka {@link ArchivingConsumer}s, so that commits follow the {@link CommitWatermark}. */
public final class ArchivingConsumerFactory extends DefaultKafkaClientFactory {

    private final CommitWatermark watermark;
    private final IntSupplier waitingUploads;
    private final int maxWaitingUploads;
    private final long commitIntervalMs;

    public ArchivingConsumerFactory(CommitWatermark watermark, IntSupplier waitingUploads, int maxWaitingUploads,
            long commitIntervalMs) {
        this.watermark = watermark;
        this.waitingUploads = waitingUploads;
        this.maxWaitingUploads = maxWaitingUploads;
        this.commitIntervalMs = commitIntervalMs;
    }

    @Override
    public Consumer getConsumer(Properties properties) {
        return new ArchivingConsumer(properties, watermark, waitingUploads, maxWaitingUploads, commitIntervalMs);
    }
}
