package com.prism.lts.commit;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The records of a poll, as camel-kafka hands them to the archive route ({@code batching=true}): one exchange whose
 * body lists an exchange per record, each carrying its {@link PolledRecord}. The route's steps work through the
 * records one by one; records set aside on the way (skipped as archived already) are marked with
 * {@link Exchange#setRouteStop}. One exchange per poll rather than per record is what keeps Camel's cost per record
 * low (docs/performance.md).
 */
public final class Poll {

    private Poll() {
    }

    /** Every record of the poll, each an exchange of its own. */
    @SuppressWarnings("unchecked")
    public static List<Exchange> records(Exchange poll) {
        Object body = poll.getMessage().getBody();
        if (!(body instanceof List<?> records)) {
            throw new IllegalStateException("the archive route's kafka endpoint must have batching=true: its steps"
                    + " take the records of a poll together, not " + (body == null ? "null" : body.getClass()));
        }
        return (List<Exchange>) records;
    }

    /**
     * The route's last step: every record of the poll is in a batch, in S3 or in the dead-letter topic, so the
     * ledgers of its partitions stop holding the poll (an open batch still holds its first record). A poll whose
     * route failed on the way never gets here and stays held.
     */
    public static Processor release() {
        return poll -> {
            Map<PartitionLedger, long[]> ranges = new IdentityHashMap<>();
            for (Exchange record : records(poll)) {
                PolledRecord polled = PolledRecord.of(record);
                long offset = polled.offset();
                long[] range = ranges.get(polled.ledger());
                if (range == null) {
                    ranges.put(polled.ledger(), new long[] {offset, offset});
                } else {
                    range[1] = offset;
                }
            }
            ranges.forEach((ledger, range) -> ledger.released(range[0], range[1]));
        };
    }
}
