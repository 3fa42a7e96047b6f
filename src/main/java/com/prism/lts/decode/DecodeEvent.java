package com.prism.lts.decode;

import com.prism.lts.commit.Poll;
import com.prism.lts.config.Backoff;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.deadletter.RecordRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route's decode step: reads the value of each Kafka record of a poll as an Avro event. A record that can never be
 * decoded is marked for the dead-letter topic. Any other failure (the schema registry cannot be reached) is retried
 * here, with exponential backoff, until the record decodes or the application stops, holding up its consumer meanwhile.
 * <p>
 * The retry lives here rather than in the route's error handler because a redelivering error handler copies every
 * exchange before every step it guards, in case it has to redeliver: for the steps every record takes that copying
 * cost more than the steps themselves (docs/performance.md), and this is the only one of them that waits for
 * something outside.
 */
public final class DecodeEvent implements Processor {

    /** Exchange property holding the {@link DecodedEvent}; the body keeps the original bytes. */
    public static final String EVENT = "PrismEvent";

    private static final Logger LOG = LoggerFactory.getLogger(DecodeEvent.class);

    private final EventDecoder decoder;
    private final Backoff retry;

    public DecodeEvent(EventDecoder decoder, Backoff retry) {
        this.decoder = decoder;
        this.retry = retry;
    }

    @Override
    public void process(Exchange poll) throws Exception {
        for (Exchange record : Poll.records(poll)) {
            if (!decode(record)) {
                poll.setRouteStop(true);
                return;
            }
        }
    }

    /** Decodes one record, or marks it for the dead-letter topic; false if it is left for the next start. */
    private boolean decode(Exchange exchange) throws InterruptedException {
        String topic = exchange.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        byte[] value = exchange.getMessage().getBody(byte[].class);
        Backoff.Delays delays = retry.delays();
        for (int attempt = 1; !leftForNextStart(exchange); attempt++) {
            try {
                exchange.setProperty(EVENT, decoder.decode(topic, value));
                return true;
            } catch (RecordRejectedException rejection) {
                DeadLetters.reject(exchange, rejection);
                return true;
            } catch (Exception transientFault) {
                long delay = delays.next();
                LOG.warn("Reading {}-{} offset {} failed, attempt {}; will retry in {} ms: {}", topic,
                        exchange.getMessage().getHeader(KafkaConstants.PARTITION),
                        exchange.getMessage().getHeader(KafkaConstants.OFFSET), attempt, delay,
                        transientFault.toString());
                Thread.sleep(delay);
            }
        }
        return false;
    }

    /**
     * While the application stops, open batches are written out for the last time: a poll batched now would miss
     * that, so it is left unread, uncommitted, for the next start.
     */
    private static boolean leftForNextStart(Exchange exchange) {
        return exchange.getContext().isStopping();
    }
}
