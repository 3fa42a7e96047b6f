package com.prism.lts.decode;

import java.io.IOException;

import com.prism.lts.demo.DemoEvents;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/** A customer's own Kafka deserializer: demo events as bare Avro binary, without the Confluent header. */
public final class PlainAvroDeserializer implements Deserializer<GenericRecord> {

    @Override
    public GenericRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return new GenericDatumReader<GenericRecord>(DemoEvents.SCHEMA)
                    .read(null, DecoderFactory.get().binaryDecoder(data, null));
        } catch (IOException e) {
            throw new SerializationException("not a demo event", e);
        }
    }
}
