package com.prism.lts.inspect;

import java.util.Comparator;
import java.util.OptionalLong;

import com.prism.lts.write.ArchiveKey;

/**
 * One archive file as an S3 listing and its object metadata describe it; {@code records} is empty when the object
 * has no {@code record-count} metadata.
 */
public record ArchiveFileEntry(String s3Key, ArchiveKey key, long bytes, OptionalLong records) {

    /** Topic, day, partition, offset: the order in which the files hold the archive. */
    public static final Comparator<ArchiveFileEntry> ORDER = Comparator
            .comparing((ArchiveFileEntry file) -> file.key().topic())
            .thenComparing(file -> file.key().day())
            .thenComparingInt(file -> file.key().partition())
            .thenComparingLong(file -> file.key().startOffset());
}
