package com.prism.lts.commit;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The low watermark of every assigned partition: the offsets that may be committed because every record below them is
 * in S3 or in the dead-letter topic. Offsets are only ever committed through here, by the consumer's own thread.
 */
public final class CommitWatermark {

    private final Map<TopicPartition, PartitionWatermark> partitions = new ConcurrentHashMap<>();
    private final AtomicInteger epochs = new AtomicInteger();
    private final Ownership ownership;

    /** Told when this replica starts or stops owning a partition. */
    public interface Ownership {
        void owned(PartitionWatermark partition);

        void released(PartitionWatermark partition);
    }

    public CommitWatermark(Ownership ownership) {
        this.ownership = ownership;
    }

    public CommitWatermark() {
        this(new Ownership() {
            @Override
            public void owned(PartitionWatermark partition) {
            }

            @Override
            public void released(PartitionWatermark partition) {
            }
        });
    }

    void assigned(Collection<TopicPartition> assigned) {
        for (TopicPartition partition : assigned) {
            PartitionWatermark previous = partitions.put(partition, newWatermark(partition));
            if (previous != null) {
                retire(previous);
            }
        }
    }

    /** Forgets partitions this consumer gave up; batches of them still in flight no longer count for anything. */
    void revoked(Collection<TopicPartition> revoked) {
        for (TopicPartition partition : revoked) {
            PartitionWatermark watermark = partitions.remove(partition);
            if (watermark != null) {
                retire(watermark);
            }
        }
    }

    void hold(ConsumerRecords<?, ?> records) {
        for (TopicPartition partition : records.partitions()) {
            partitions.computeIfAbsent(partition, this::newWatermark).hold(records.records(partition));
        }
    }

    /** The watermark of a partition this consumer owns. */
    public PartitionWatermark partition(String topic, int partition) {
        PartitionWatermark watermark = partitions.get(new TopicPartition(topic, partition));
        if (watermark == null) {
            throw new IllegalStateException(topic + "-" + partition + " is not assigned to this consumer");
        }
        return watermark;
    }

    /** The offsets of {@code owned} partitions that moved since they were last committed. */
    Map<TopicPartition, OffsetAndMetadata> due(Set<TopicPartition> owned) {
        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
        for (TopicPartition partition : owned) {
            PartitionWatermark watermark = partitions.get(partition);
            if (watermark != null) {
                watermark.due().ifPresent(offset -> due.put(partition, new OffsetAndMetadata(offset)));
            }
        }
        return due;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            PartitionWatermark watermark = partitions.get(partition);
            if (watermark != null) {
                watermark.committed(offset.offset());
            }
        });
    }

    public List<PartitionWatermark.Snapshot> snapshot() {
        return partitions.values().stream().map(PartitionWatermark::snapshot).toList();
    }

    private PartitionWatermark newWatermark(TopicPartition partition) {
        PartitionWatermark watermark = new PartitionWatermark(partition, epochs.incrementAndGet());
        ownership.owned(watermark);
        return watermark;
    }

    private void retire(PartitionWatermark watermark) {
        watermark.retire();
        ownership.released(watermark);
    }
}
