package com.prism.lts.decode;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * One decoded event.
 *
 * @param schemaId     the writer schema's id: the registry id, or a fingerprint where there is none
 * @param writerSchema the schema the event was written with, embedded in the archive file
 * @param fields       the event's fields, at least those on the path to its metric date
 * @param datum        the event's Avro binary encoding, stored unchanged: {@code length} bytes from {@code offset}
 */
public record DecodedEvent(String schemaId, Schema writerSchema, IndexedRecord fields, byte[] datum, int offset,
        int length) {
}
