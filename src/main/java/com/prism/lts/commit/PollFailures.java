package com.prism.lts.commit;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a poll whose route failed: camel-kafka hands the failure here (the archive route's kafka endpoint
 * names this bean as its {@code exceptionHandler}), then clears the poll and polls on, never to hand its records to the
 * route again. So each partition of the poll is read again from its committed offset, with a new ledger, after a
 * pause that grows while it keeps failing ({@link ConsumerLedgers#restart}); nothing past the failed records is
 * committed meanwhile. A step that always fails for a record stops its partition there, and says so, until the step
 * is fixed: the records are neither skipped nor dead-lettered, for the step may be a user's own.
 */
public final class PollFailures implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PollFailures.class);

    private final ConsumerWatch watch;

    public PollFailures(ConsumerWatch watch) {
        this.watch = watch;
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange poll, Throwable exception) {
        Map<PartitionLedger, long[]> ranges = new IdentityHashMap<>();
        if (poll != null && poll.getMessage().getBody() instanceof List<?>) {
            for (Exchange record : Poll.records(poll)) {
                PolledRecord polled = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, PolledRecord.class);
                if (polled != null) {
                    long[] range = ranges.computeIfAbsent(polled.ledger(),
                            ledger -> new long[] {polled.offset(), polled.offset()});
                    range[1] = polled.offset();
                }
            }
        }
        if (ranges.isEmpty()) {
            LOG.error("The archive route's Kafka consumer failed{}: {}", message == null ? "" : " (" + message + ")",
                    exception.toString(), exception);
            return;
        }
        StringBuilder which = new StringBuilder();
        ranges.forEach((ledger, range) -> which.append(which.isEmpty() ? "" : ", ").append(ledger.partition())
                .append(" offsets ").append(range[0]).append(" to ").append(range[1]));
        LOG.error("A step of the archive route failed for a poll ({}); its partitions are read again from their"
                + " committed offsets: {}", which, exception.toString(), exception);
        ranges.forEach((ledger, range) -> {
            ledger.failed(range[0], "a step of the archive route failed: " + exception);
            watch.routeFailed(ledger);
        });
    }
}
