package com.prism.lts.audit;

import java.util.Optional;

import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.Provenance;

/**
 * What the audit learned from one archive file's header and object metadata, kept in its index so that no later
 * audit has to read the file again while its ETag and size stay the same.
 *
 * @param topicId   the Kafka topic id its header names ({@code prism.topic.id}, format version 3), or null
 * @param offsets   the offsets its header names, as {@code prism.offsets} encodes them (empty if unreadable)
 * @param unreadable why the file could not be read, if it could not
 * @param disagreement where its key, object metadata and header disagree, if they do
 * @param gone      the file was listed by an earlier audit and is not any more: its offsets were archived once
 */
record AuditedFile(String key, String eTag, long size, int partition, int formatVersion, String topicId,
        byte[] offsets, Optional<String> unreadable, Optional<String> disagreement, boolean gone) {

    long[] offsetList() {
        return Provenance.decode(offsets);
    }

    ArchiveKey archiveKey() {
        return ArchiveKey.parse(key).orElseThrow();
    }

    AuditedFile asGone() {
        return new AuditedFile(key, eTag, size, partition, formatVersion, topicId, offsets, unreadable, disagreement,
                true);
    }
}
