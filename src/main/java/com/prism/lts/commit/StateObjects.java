package com.prism.lts.commit;

import java.time.Instant;
import java.util.List;

/**
 * Where commit states too large for Kafka's commit metadata are kept, one object per state: an S3 folder
 * ({@link S3StateObjects}), or a map in the simulation of the ledger.
 */
public interface StateObjects {

    /** Stores {@code bytes} under {@code key}; a failure is thrown, and the commit that was to name it is not sent. */
    void put(String key, byte[] bytes);

    /** The object under {@code key}, null if there is none; retries transient failures until it has an answer. */
    byte[] get(String key) throws InterruptedException;

    /** Deletes the object under {@code key}; a failure is logged, not thrown (a state object left over is harmless). */
    void delete(String key);

    /** An object's key and when it was written. */
    record Listed(String key, Instant written) {
    }

    /** The objects whose keys begin with {@code prefix}; a failure is thrown. */
    List<Listed> list(String prefix);
}
