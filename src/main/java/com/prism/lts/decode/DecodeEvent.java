package com.prism.lts.decode;

import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.deadletter.RecordRejectedException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * The route's decode step: reads the Kafka record's value as an Avro event. A record that can never be decoded is
 * marked for the dead-letter topic; any other failure is thrown, and the route's error handler retries it.
 */
public final class DecodeEvent implements Processor {

    /** Exchange property holding the {@link DecodedEvent}; the body keeps the original bytes. */
    public static final String EVENT = "PrismEvent";

    private final EventDecoder decoder;

    public DecodeEvent(EventDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (exchange.getContext().isStopping()) {
            // Open batches are being written out for the last time: a record batched now would miss that, so it
            // is left unread, uncommitted, for the next start.
            exchange.setRouteStop(true);
            return;
        }
        String topic = exchange.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        byte[] value = exchange.getMessage().getBody(byte[].class);
        try {
            exchange.setProperty(EVENT, decoder.decode(topic, value));
        } catch (RecordRejectedException rejection) {
            DeadLetters.reject(exchange, rejection);
        }
    }
}
