package com.prism.lts.write;

import java.time.LocalDate;

import com.prism.lts.day.ChooseDay;
import org.apache.camel.Exchange;
import org.apache.camel.NoSuchHeaderException;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.ExpressionAdapter;

/**
 * The key of a batch's file, from the headers of the batch's first record: its topic and partition
 * ({@code kafka.TOPIC}, {@code kafka.PARTITION}), its day ({@code PrismDay}) and its offset ({@code kafka.OFFSET}),
 * the batch's first. They are the batch's own headers: the aggregator keeps the message of a batch's first slice, which
 * has its first record's headers ({@code DaySlices}), as the batch's. The upload route sets {@code CamelAwsS3Key} with
 * it before the file is written.
 */
public final class ArchiveKeyExpression extends ExpressionAdapter {

    private final String prefix;

    public ArchiveKeyExpression(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Object evaluate(Exchange exchange) {
        try {
            return ArchiveKey.of(prefix,
                    ExchangeHelper.getMandatoryHeader(exchange, KafkaConstants.TOPIC, String.class),
                    LocalDate.parse(ExchangeHelper.getMandatoryHeader(exchange, ChooseDay.DAY_HEADER, String.class)),
                    ExchangeHelper.getMandatoryHeader(exchange, KafkaConstants.PARTITION, Integer.class),
                    ExchangeHelper.getMandatoryHeader(exchange, KafkaConstants.OFFSET, Long.class)).toString();
        } catch (NoSuchHeaderException e) {
            throw RuntimeCamelException.wrapRuntimeCamelException(e);
        }
    }
}
