package com.prism.lts.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.prism.lts.day.ChooseDay;
import org.apache.camel.Exchange;
import org.apache.camel.NoSuchHeaderException;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ArchiveKeyExpressionTest {

    private final ArchiveKeyExpression key = new ArchiveKeyExpression("topics");

    @Test
    void the_key_is_made_of_the_topic_partition_day_and_offset_of_the_batchs_first_record() {
        Exchange batch = firstRecord();

        assertThat(key.evaluate(batch, String.class))
                .isEqualTo("topics/ac-user-event/year=2018/month=01/day=04/ac-user-event+2+0000004711.avro");
    }

    @Test
    void a_missing_header_is_named() {
        Exchange batch = firstRecord();
        batch.getMessage().removeHeader(ChooseDay.DAY_HEADER);

        assertThatThrownBy(() -> key.evaluate(batch, String.class)).hasCauseInstanceOf(NoSuchHeaderException.class)
                .hasMessageContaining(ChooseDay.DAY_HEADER);
    }

    /** The headers camel-kafka and the day step give a record's message, which the aggregator keeps for its batch. */
    private static Exchange firstRecord() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, "ac-user-event");
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, 2);
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, 4711L);
        exchange.getMessage().setHeader(ChooseDay.DAY_HEADER, "2018-01-04");
        return exchange;
    }
}
