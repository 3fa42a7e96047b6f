package com.prism.lts.commit;

import java.util.Collection;

/** What a consumer needs from the batches its records are gathered in. */
public interface OpenBatches {

    /** How many finished batches wait for their upload. */
    int waitingUploads();

    /**
     * Drops the open batches of a partition this consumer gave up: their records are read again by the partition's
     * new owner, and a cut this consumer can no longer commit would never be uploaded anyway.
     */
    void drop(PartitionLedger partition);

    /** Finishes the batches cut again where a previous owner cut them, whose last record is known not to come. */
    void finish(Collection<PartitionLedger.Cut> cuts);
}
