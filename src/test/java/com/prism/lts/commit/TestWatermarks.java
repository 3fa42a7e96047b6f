package com.prism.lts.commit;

import java.util.List;

import org.apache.kafka.common.TopicPartition;

/** Partition watermarks for tests outside this package, which cannot assign partitions themselves. */
public final class TestWatermarks {

    private TestWatermarks() {
    }

    /** The watermark of a partition just assigned to a consumer. */
    public static PartitionWatermark assigned(String topic, int partition) {
        CommitWatermark watermark = new CommitWatermark();
        watermark.assigned(List.of(new TopicPartition(topic, partition)));
        return watermark.partition(topic, partition);
    }
}
