package com.prism.lts.batch;

import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.Poll;
import com.prism.lts.commit.PolledRecord;
import com.prism.lts.deadletter.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The route's step for records read again after their partition changed hands. A record of the poll its previous owner
 * already put in a file known to be in S3, or in the dead-letter topic, goes no further. A record of a file that
 * previous owner cut, but that may not be in S3 yet, is gathered into a batch that ends where that file ended, so that
 * the file is written again exactly as it was cut.
 */
public final class SkipArchived implements Processor {

    @Override
    public void process(Exchange poll) {
        for (Exchange record : Poll.records(poll)) {
            skipOrCutAgain(record);
        }
    }

    private static void skipOrCutAgain(Exchange exchange) {
        PolledRecord polled = PolledRecord.of(exchange);
        PartitionLedger ledger = polled.ledger();
        if (ledger.retired()) {
            // given up while camel-kafka still held some of its records: the partition's next owner reads them
            exchange.setRouteStop(true);
            return;
        }
        if (ledger.deadLetteredBefore(polled.offset())) {
            exchange.setRouteStop(true);
            return;
        }
        if (DeadLetters.isRejected(exchange)) {
            return;
        }
        ArchiveRecord record = exchange.getMessage().getBody(ArchiveRecord.class);
        PartitionLedger.Cut cut = ledger.previousCut(record.stream(), record.offset());
        if (cut == null) {
            return;
        }
        if (cut.done()) {
            exchange.setRouteStop(true);
            return;
        }
        exchange.getMessage().setBody(record.cutAt(cut));
    }
}
