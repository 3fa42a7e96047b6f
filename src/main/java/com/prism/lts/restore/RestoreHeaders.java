package com.prism.lts.restore;

/**
 * The headers {@code restore} adds to each record it produces, naming the archived record it is a copy of. A record
 * whose source topic and partition are those it is read from is such a copy produced back into the archived topic
 * (one deleted and created again under the same name, say): the archiver does not archive it again, and
 * {@code audit} accounts for it by the archived record it names.
 */
public final class RestoreHeaders {

    /** The restore job that produced the record (a hash of its command line). */
    public static final String JOB = "prism.restore.job";
    public static final String SOURCE_TOPIC = "prism.restore.source.topic";
    public static final String SOURCE_PARTITION = "prism.restore.source.partition";
    public static final String SOURCE_OFFSET = "prism.restore.source.offset";
    /** The Kafka topic id the archived record was read from; only on copies of files of format version 3 and later. */
    public static final String SOURCE_TOPIC_ID = "prism.restore.source.topic.id";

    private RestoreHeaders() {
    }
}
