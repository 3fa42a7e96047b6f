package com.prism.lts.commit;

import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;

/**
 * Gives each exchange its {@link PolledRecord}. Being neither of camel-kafka's built-in commit factories, it also
 * keeps camel-kafka from committing anything itself (its no-op commit manager is used).
 */
public final class PolledRecords implements KafkaManualCommitFactory {

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record,
            CommitManager commitManager) {
        if (!(exchange.consumer instanceof ArchivingConsumer consumer)) {
            throw new IllegalStateException("the kafka endpoint must have kafkaClientFactory=#archivingConsumers");
        }
        return consumer.claim(record.partition, record.recordOffset);
    }
}
