package com.prism.lts.batch;

import java.time.LocalDate;

import com.prism.lts.commit.PartitionWatermark;
import com.prism.lts.decode.DecodedEvent;

/** One decoded event with its day and its Kafka coordinates, on its way into a day batch. */
public record ArchiveRecord(String topic, int partition, long offset, long timestamp, LocalDate day,
        DecodedEvent event, PartitionWatermark watermark) {

    /**
     * The batch this record belongs to. A file never mixes topics, partitions, days or writer schemas; the
     * partition's assignment epoch keeps records read again after a rebalance out of batches opened before it.
     */
    public String batchKey() {
        return topic + '/' + partition + '/' + watermark.epoch() + '/' + day + '/' + event.schemaId();
    }
}
