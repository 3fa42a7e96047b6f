package com.prism.lts.commit;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka consumer camel-kafka polls with. It is where offsets get committed, and the only place: on the consumer's
 * own thread, before each poll, on every partition revocation and on close, always the {@link CommitWatermark}'s
 * offsets. Commits asked for by anyone else are refused, so no setting or route change can commit a record that is not
 * safe yet.
 * <p>
 * It also holds every polled record in the watermark before Camel sees it, and pauses fetching while too many
 * finished batches wait for their upload, so that an S3 outage cannot fill the heap.
 */
final class ArchivingConsumer extends KafkaConsumer<Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ArchivingConsumer.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    private final CommitWatermark watermark;
    private final IntSupplier waitingUploads;
    private final int maxWaitingUploads;
    private final long commitIntervalNanos;
    private final Set<TopicPartition> pausedByCamel = new HashSet<>();
    private boolean pausedForUploads;
    private long nextCommitNanos = System.nanoTime();
    private volatile boolean joined;
    private final Consumer<ArchivingConsumer> closing;

    ArchivingConsumer(Properties properties, CommitWatermark watermark, IntSupplier waitingUploads,
            int maxWaitingUploads, long commitIntervalMs, Consumer<ArchivingConsumer> closing) {
        super(properties);
        this.closing = closing;
        this.watermark = watermark;
        this.waitingUploads = waitingUploads;
        this.maxWaitingUploads = maxWaitingUploads;
        this.commitIntervalNanos = commitIntervalMs * 1_000_000;
    }

    @Override
    public ConsumerRecords<Object, Object> poll(Duration timeout) {
        if (System.nanoTime() - nextCommitNanos >= 0) {
            commitSafeOffsets(assignment());
            nextCommitNanos = System.nanoTime() + commitIntervalNanos;
        }
        pauseWhileUploadsPileUp();
        ConsumerRecords<Object, Object> records = super.poll(timeout);
        watermark.hold(records);
        return records;
    }

    private void commitSafeOffsets(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = watermark.due(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            super.commitSync(offsets, COMMIT_TIMEOUT);
            watermark.committed(offsets);
            LOG.debug("Committed {}", offsets);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("Could not commit {}; will try again: {}", offsets, e.getMessage());
        }
    }

    private void pauseWhileUploadsPileUp() {
        int waiting = waitingUploads.getAsInt();
        if (waiting >= maxWaitingUploads) {
            if (!pausedForUploads) {
                LOG.warn("Pausing Kafka fetches: {} batches are waiting for their upload to S3 (limit {},"
                        + " prism.upload.max-waiting)", waiting, maxWaitingUploads);
                pausedForUploads = true;
            }
            super.pause(assignment());
        } else if (pausedForUploads && waiting <= maxWaitingUploads / 2) {
            LOG.info("Resuming Kafka fetches: {} batches wait for upload", waiting);
            pausedForUploads = false;
            Set<TopicPartition> resumed = new HashSet<>(assignment());
            resumed.removeAll(pausedByCamel);
            super.resume(resumed);
        }
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        pausedByCamel.addAll(partitions);
        super.pause(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        pausedByCamel.removeAll(partitions);
        if (!pausedForUploads) {
            super.resume(partitions);
        }
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        super.subscribe(topics, new CommittingRebalanceListener(listener));
    }

    @Override
    public void subscribe(Collection<String> topics) {
        subscribe(topics, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        });
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        super.subscribe(pattern, new CommittingRebalanceListener(listener));
    }

    /** Whether this consumer has joined its group, with or without partitions. */
    boolean joined() {
        return joined;
    }

    @Override
    public void close() {
        beforeClose();
        super.close();
    }

    @Override
    @SuppressWarnings("deprecation")
    public void close(Duration timeout) {
        beforeClose();
        super.close(timeout);
    }

    @Override
    public void close(CloseOptions options) {
        beforeClose();
        super.close(options);
    }

    private void beforeClose() {
        commitSafeOffsets(assignment());
        closing.accept(this);
    }

    @Override
    public void commitSync() {
        refuse();
    }

    @Override
    public void commitSync(Duration timeout) {
        refuse();
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        refuse();
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        refuse();
    }

    @Override
    public void commitAsync() {
        refuse();
    }

    @Override
    public void commitAsync(OffsetCommitCallback callback) {
        refuse();
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        refuse();
    }

    private static void refuse() {
        LOG.warn("Ignored a request to commit offsets: Prism LTS commits only offsets whose records are in S3");
    }

    /** Commits what is safe before partitions go, so that their new owner re-reads as little as possible. */
    private final class CommittingRebalanceListener implements ConsumerRebalanceListener {

        private final ConsumerRebalanceListener camel;

        CommittingRebalanceListener(ConsumerRebalanceListener camel) {
            this.camel = camel;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                commitSafeOffsets(new HashSet<>(partitions));
                watermark.revoked(partitions);
                LOG.info("Partitions revoked: {}", partitions);
            }
            camel.onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            joined = false;
            watermark.revoked(partitions);
            LOG.warn("Partitions lost without a chance to commit (their new owner re-reads them): {}", partitions);
            camel.onPartitionsLost(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined = true;
            watermark.assigned(partitions);
            if (pausedForUploads) {
                ArchivingConsumer.super.pause(partitions);
            }
            if (!partitions.isEmpty()) {
                LOG.info("Partitions assigned: {}", partitions);
            }
            camel.onPartitionsAssigned(partitions);
        }
    }
}
