package com.prism.lts.upload;

import java.util.concurrent.Executor;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.DayBatches;
import com.prism.lts.commit.PartitionLedger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload route's first step: a batch is uploaded only once a commit carrying its cut has succeeded. A replica
 * that lost the partition meanwhile (a rebalance, a pause past its session timeout) cannot commit, so it never writes
 * a file that the partition's new owner cuts differently; the new owner reads these records again. Nor is it uploaded
 * before the cluster has told its topic's id since its records were read: a topic deleted and created again under the
 * same name is read on at the same position, and its records must not be filed under the old topic's id.
 * <p>
 * The wait holds no thread: the batch goes on, on one of the upload threads, when the consumer's commit is
 * acknowledged. An upload thread blocked on it would leave fewer to upload the batches already committed.
 */
public final class AwaitCommit extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AwaitCommit.class);

    private final DayBatches dayBatches;
    private final Executor uploadThreads;

    public AwaitCommit(DayBatches dayBatches, Executor uploadThreads) {
        this.dayBatches = dayBatches;
        this.uploadThreads = uploadThreads;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ArchiveBatch batch = exchange.getMessage().getBody(ArchiveBatch.class);
        PartitionLedger.Cut cut = batch.cut();
        if (cut == null) {
            drop(exchange);
            callback.done(true);
            return true;
        }
        batch.mayUpload().whenCompleteAsync((mayUpload, failure) -> {
            if (failure != null) {
                exchange.setException(failure);
            } else if (!mayUpload) {
                LOG.info("Not uploading {}: this consumer gave up {} before the batch's cut was committed and its"
                        + " topic's id checked; these records are archived when read again", batch, batch.ledger());
                drop(exchange);
            }
            callback.done(false);
        }, uploadThreads);
        return false;
    }

    private void drop(Exchange exchange) {
        dayBatches.noLongerWaiting();
        exchange.setRouteStop(true);
    }
}
