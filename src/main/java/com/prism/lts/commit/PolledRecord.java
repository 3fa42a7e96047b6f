package com.prism.lts.commit;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka record an exchange carries, with the ledger of the consumer that polled it. camel-kafka hands it to the
 * route in the header where it would put a manual-commit handle ({@link KafkaConstants#MANUAL_COMMIT}): the route's
 * steps reach the ledger of the assignment the record was read in, never that of another consumer of this replica
 * that owns the partition now.
 */
public final class PolledRecord implements KafkaManualCommit {

    private static final Logger LOG = LoggerFactory.getLogger(PolledRecord.class);

    private final ConsumerRecord<?, ?> record;
    private final PartitionLedger ledger;

    PolledRecord(ConsumerRecord<?, ?> record, PartitionLedger ledger) {
        this.record = record;
        this.ledger = ledger;
    }

    /** The record that {@code exchange} carries. */
    public static PolledRecord of(Exchange exchange) {
        PolledRecord polled = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, PolledRecord.class);
        if (polled == null) {
            throw new IllegalStateException("the exchange carries no polled record: the kafka endpoint must have"
                    + " kafkaManualCommitFactory=#polledRecords and allowManualCommit=true");
        }
        return polled;
    }

    public ConsumerRecord<?, ?> record() {
        return record;
    }

    public PartitionLedger ledger() {
        return ledger;
    }

    public String topic() {
        return record.topic();
    }

    public int partition() {
        return record.partition();
    }

    public long offset() {
        return record.offset();
    }

    /** Refused: offsets are committed by the consumer, when every record below them is safe. */
    @Override
    public void commit() {
        LOG.warn("Ignored a request to commit {} offset {}: Prism LTS commits only offsets whose records are in S3",
                ledger.partition(), record.offset());
    }
}
