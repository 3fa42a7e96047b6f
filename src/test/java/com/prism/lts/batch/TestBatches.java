package com.prism.lts.batch;

import java.util.List;

/** Batches built without a Camel aggregator, for tests outside this package. */
public final class TestBatches {

    private TestBatches() {
    }

    /** A batch holding {@code records}, in order; they must share a batch key, as the aggregator ensures. */
    public static ArchiveBatch of(List<ArchiveRecord> records) {
        ArchiveBatch batch = new ArchiveBatch(records.get(0), System.nanoTime());
        records.stream().skip(1).forEach(batch::add);
        return batch;
    }
}
