package com.prism.lts.batch;

import java.util.List;

/**
 * Records of one poll that belong to the same batch, in offset order: what the route's aggregator adds to a day
 * batch at once.
 */
public record DaySlice(String batchKey, List<ArchiveRecord> records) {

    public ArchiveRecord first() {
        return records.get(0);
    }

    public ArchiveRecord last() {
        return records.get(records.size() - 1);
    }

    /** The encoded bytes of its events. */
    public long bytes() {
        long bytes = 0;
        for (ArchiveRecord record : records) {
            bytes += record.event().length();
        }
        return bytes;
    }
}
