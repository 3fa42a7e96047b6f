package com.prism.lts.testing;

/** One record a test produced, where Kafka put it, and the id it can be recognised by in the archive. */
public record Produced(String id, int partition, long offset, boolean bad) {

    public String where() {
        return "partition " + partition + " offset " + offset;
    }
}
