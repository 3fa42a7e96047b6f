package com.prism.lts.decode;

import java.io.IOException;

import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import org.apache.avro.Schema;

/** Where writer schemas are looked up by their Confluent schema id. */
public interface SchemaSource {

    /**
     * @throws RecordRejectedException when the source answers that it has no usable Avro schema under this id
     * @throws IOException             when the source cannot be asked right now; the caller retries
     */
    Schema schema(int id) throws RecordRejectedException, IOException;

    /** Where schemas come from, for log lines and error messages. */
    String describe();

    /** Parses a schema's JSON text, rejecting text that is not an Avro schema. */
    static Schema parse(int id, String json, String where) throws RecordRejectedException {
        try {
            return new Schema.Parser().parse(json);
        } catch (RuntimeException e) {
            throw new RecordRejectedException(RejectReason.UNKNOWN_SCHEMA,
                    "schema " + id + " in " + where + " is not a valid Avro schema: " + e.getMessage());
        }
    }
}
