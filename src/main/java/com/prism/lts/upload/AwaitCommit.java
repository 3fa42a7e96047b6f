package com.prism.lts.upload;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.DayBatches;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload route's first step: a batch is uploaded only once a commit carrying its cut has succeeded. A replica
 * that lost the partition meanwhile (a rebalance, a pause past its session timeout) cannot commit, so it never writes
 * a file that the partition's new owner cuts differently; the new owner reads these records again.
 */
public final class AwaitCommit implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(AwaitCommit.class);

    private final DayBatches dayBatches;

    public AwaitCommit(DayBatches dayBatches) {
        this.dayBatches = dayBatches;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ArchiveBatch batch = exchange.getMessage().getMandatoryBody(ArchiveBatch.class);
        if (batch.cut() != null && batch.cut().awaitCommitted()) {
            return;
        }
        if (batch.cut() != null) {
            LOG.info("Not uploading {}: this consumer gave up {} before the batch's cut was committed; its new"
                    + " owner archives these records", batch, batch.ledger());
        }
        dayBatches.noLongerWaiting();
        exchange.setRouteStop(true);
    }
}
