package com.prism.lts.day;

import java.time.LocalDate;

import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.commit.Poll;
import com.prism.lts.commit.PolledRecord;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.decode.DecodeEvent;
import com.prism.lts.decode.DecodedEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The route's "choose the day" step: reads the metric date of each event of a poll, by the rules of its topic, and
 * turns its record into an {@link ArchiveRecord} of that day. The day goes into the {@code PrismDay} header of each slice of a day batch
 * ({@code DaySlices}).
 */
public final class ChooseDay implements Processor {

    public static final String DAY_HEADER = "PrismDay";

    private final MetricDates metricDates;

    public ChooseDay(MetricDates metricDates) {
        this.metricDates = metricDates;
    }

    @Override
    public void process(Exchange poll) {
        for (Exchange record : Poll.records(poll)) {
            if (!DeadLetters.isRejected(record)) {
                choose(record);
            }
        }
    }

    private void choose(Exchange exchange) {
        DecodedEvent event = exchange.getProperty(DecodeEvent.EVENT, DecodedEvent.class);
        PolledRecord polled = PolledRecord.of(exchange);
        LocalDate day;
        try {
            day = metricDates.of(polled.topic()).dayOf(event.fields());
        } catch (RecordRejectedException rejection) {
            DeadLetters.reject(exchange, rejection);
            return;
        }
        exchange.removeProperty(DecodeEvent.EVENT);
        exchange.getMessage().setBody(new ArchiveRecord(polled.record(), day, event, polled.ledger(), null));
    }
}
