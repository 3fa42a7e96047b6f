package com.prism.lts.commit;

import java.time.LocalDate;

/**
 * The records of one partition that are filed together: one day, one writer schema. Each stream is cut into files in
 * offset order, one file after the other, so a stream's files are known from where each one ends.
 */
public record StreamKey(LocalDate day, String schemaId) implements Comparable<StreamKey> {

    @Override
    public int compareTo(StreamKey other) {
        int byDay = day.compareTo(other.day);
        return byDay != 0 ? byDay : schemaId.compareTo(other.schemaId);
    }
}
