package com.prism.lts.batch;

import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.PolledRecord;
import com.prism.lts.deadletter.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The route's step for records read again after their partition changed hands. A record its previous owner already
 * put in a file known to be in S3, or in the dead-letter topic, goes no further. A record of a file that previous
 * owner cut, but that may not be in S3 yet, is gathered into a batch that ends where that file ended, so that the
 * file is written again exactly as it was cut.
 */
public final class SkipArchived implements Processor {

    @Override
    public void process(Exchange exchange) {
        PolledRecord polled = PolledRecord.of(exchange);
        PartitionLedger ledger = polled.ledger();
        if (ledger.deadLetteredBefore(polled.offset())) {
            skip(exchange, ledger, polled.offset());
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
            skip(exchange, ledger, record.offset());
            return;
        }
        ArchiveRecord again = record.cutAt(cut);
        exchange.getMessage().setBody(again);
        DayBatches.assign(exchange, again);
    }

    private static void skip(Exchange exchange, PartitionLedger ledger, long offset) {
        ledger.skipped(offset);
        exchange.setRouteStop(true);
    }
}
