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
        boolean rejected = DeadLetters.isRejected(exchange);
        ArchiveRecord record = rejected ? null : exchange.getMessage().getBody(ArchiveRecord.class);
        PartitionLedger.Filing filing = polled.ledger().filing(polled.offset(), rejected ? null : record.stream());
        switch (filing.kind()) {
            case GIVEN_UP, DEAD_LETTERED_BEFORE, ARCHIVED_BEFORE -> exchange.setRouteStop(true);
            case AGAIN -> exchange.getMessage().setBody(record.cutAt(filing.cut()));
            case DEAD_LETTER, FREE -> {
                // on its way: to the dead-letter topic, or into a batch
            }
        }
    }
}
