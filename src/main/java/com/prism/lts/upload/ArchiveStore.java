package com.prism.lts.upload;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The archive's bucket, as settling a taken key needs it: read a file, and write one only if its key is free or
 * still holds the file that was read. {@link S3ArchiveStore} is the bucket; the ledger simulation has one of its own.
 * Failures that may pass (S3 unreachable, throttled) are thrown as {@link IOException}.
 */
public interface ArchiveStore {

    /** A file as stored: its bytes and its ETag. */
    record Stored(byte[] bytes, String eTag) {
    }

    /** The file under {@code key}; empty if there is none. */
    Optional<Stored> get(String key) throws IOException;

    /** Writes {@code file} only if nothing is under {@code key} ({@code If-None-Match: *}); false if taken. */
    boolean putIfAbsent(String key, byte[] file, Map<String, String> metadata) throws IOException;

    /** Writes {@code file} only if {@code key} still holds the object of {@code eTag} ({@code If-Match}). */
    boolean putIfMatch(String key, byte[] file, Map<String, String> metadata, String eTag) throws IOException;
}
