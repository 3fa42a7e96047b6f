package com.prism.lts.day;

import java.time.LocalDate;

import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.batch.DayBatches;
import com.prism.lts.commit.PolledRecord;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.decode.DecodeEvent;
import com.prism.lts.decode.DecodedEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The route's "choose the day" step: reads the event's metric date, puts the day in the {@code PrismDay} header and
 * turns the message into an {@link ArchiveRecord} for its day's batch.
 */
public final class ChooseDay implements Processor {

    public static final String DAY_HEADER = "PrismDay";

    private final MetricDate metricDate;

    public ChooseDay(MetricDate metricDate) {
        this.metricDate = metricDate;
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
        PolledRecord polled = PolledRecord.of(exchange);
        ArchiveRecord record = new ArchiveRecord(polled.record(), day, event, polled.ledger(), null);
        exchange.removeProperty(DecodeEvent.EVENT);
        message.setHeader(DAY_HEADER, day.toString());
        message.setBody(record);
        DayBatches.assign(exchange, record);
    }
}
