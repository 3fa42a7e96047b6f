package com.prism.lts.batch;

import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.Poll;
import com.prism.lts.commit.PolledRecord;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.restore.RestoreHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The route's step for records read again after their partition changed hands. A record of the poll its previous owner
 * already put in a file known to be in S3, or in the dead-letter topic, goes no further. A record of a file that
 * previous owner cut, but that may not be in S3 yet, is gathered into a batch that ends where that file ended, so that
 * the file is written again exactly as it was cut.
 * <p>
 * A record that {@code restore} produced from the archive back into its own topic and partition (a topic deleted and
 * created again under the same name, say) goes no further either: its headers name the archived record it is a copy
 * of, and archiving it again would keep that record twice.
 */
public final class SkipArchived implements Processor {

    private final IntConsumer restoredCopies;

    /** @param restoredCopies told how many restored copies a poll held, when it held any */
    public SkipArchived(IntConsumer restoredCopies) {
        this.restoredCopies = restoredCopies;
    }

    @Override
    public void process(Exchange poll) {
        int copies = 0;
        for (Exchange record : Poll.records(poll)) {
            if (isRestoredCopy(PolledRecord.of(record).record())) {
                record.setRouteStop(true);
                copies++;
            } else {
                skipOrCutAgain(record);
            }
        }
        if (copies > 0) {
            restoredCopies.accept(copies);
        }
    }

    /** Whether {@code record} is a copy {@code restore} made of an archived record of its own topic and partition. */
    static boolean isRestoredCopy(ConsumerRecord<?, ?> record) {
        Header topic = record.headers().lastHeader(RestoreHeaders.SOURCE_TOPIC);
        if (topic == null || topic.value() == null) {
            return false;
        }
        Header partition = record.headers().lastHeader(RestoreHeaders.SOURCE_PARTITION);
        return record.topic().equals(new String(topic.value(), StandardCharsets.UTF_8)) && partition != null
                && partition.value() != null
                && Integer.toString(record.partition()).equals(new String(partition.value(), StandardCharsets.UTF_8));
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
            case REFUSED_HERE -> throw new IllegalStateException(polled.ledger().partition() + " offset "
                    + polled.offset() + " was archived by the partition's previous owner, but this replica cannot read"
                    + " it (" + exchange.getProperty(DeadLetters.REJECTION, Exception.class).getMessage() + "): every"
                    + " replica must read schemas the same way (prism.schema-registry.url, prism.schema-directory,"
                    + " prism.decoder), unless the topic was just deleted and created again");
        }
    }
}
