package com.prism.lts.decode;

import com.prism.lts.deadletter.RecordRejectedException;

/**
 * Turns the bytes of one Kafka record value into an Avro event.
 * <p>
 * A decoder throws {@link RecordRejectedException} for a record that can never be decoded; every other exception
 * (a registry that cannot be reached, say) is transient, and the record is retried until it decodes.
 */
public interface EventDecoder {

    DecodedEvent decode(String topic, byte[] value) throws RecordRejectedException, Exception;
}
