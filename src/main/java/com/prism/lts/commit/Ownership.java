package com.prism.lts.commit;

/** Told when a consumer of this replica starts or stops owning a partition. */
public interface Ownership {

    void owned(PartitionLedger partition);

    void released(PartitionLedger partition);
}
