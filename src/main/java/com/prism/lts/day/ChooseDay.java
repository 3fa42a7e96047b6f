package com.prism.lts.day;

import java.time.LocalDate;

import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.batch.DayBatches;
import com.prism.lts.commit.CommitWatermark;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.decode.DecodeEvent;
import com.prism.lts.decode.DecodedEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * The route's "choose the day" step: reads the event's metric date, puts the day in the {@code PrismDay} header and
 * turns the message into an {@link ArchiveRecord} for its day's batch.
 */
public final class ChooseDay implements Processor {

    public static final String DAY_HEADER = "PrismDay";

    private final MetricDate metricDate;
    private final CommitWatermark watermark;

    public ChooseDay(MetricDate metricDate, CommitWatermark watermark) {
        this.metricDate = metricDate;
        this.watermark = watermark;
    }

    @Override
    public void process(Exchange exchange) {
        if (DeadLetters.isRejected(exchange)) {
            return;
        }
        DecodedEvent event = exchange.getProperty(DecodeEvent.EVENT, DecodedEvent.class);
        LocalDate day;
        try {
            day = metricDate.dayOf(event.fields());
        } catch (RecordRejectedException rejection) {
            DeadLetters.reject(exchange, rejection);
            return;
        }
        Message message = exchange.getMessage();
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        int partition = message.getHeader(KafkaConstants.PARTITION, Integer.class);
        ArchiveRecord record = new ArchiveRecord(topic, partition,
                message.getHeader(KafkaConstants.OFFSET, Long.class),
                message.getHeader(KafkaConstants.TIMESTAMP, Long.class),
                day, event, watermark.partition(topic, partition));
        exchange.removeProperty(DecodeEvent.EVENT);
        message.setHeader(DAY_HEADER, day.toString());
        message.setBody(record);
        DayBatches.assign(exchange, record);
    }
}
