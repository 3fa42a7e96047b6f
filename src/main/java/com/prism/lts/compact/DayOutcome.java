package com.prism.lts.compact;

import java.time.LocalDate;

/**
 * What became of one day of a topic in a run.
 *
 * @param foldedFiles  small files whose records this run committed to the table
 * @param records      records this run committed to the table
 * @param dataFiles    data files this run committed to the table
 * @param foldedDataFiles data files of the day this run rewrote into its own (late records folded in)
 * @param deletedFiles small files deleted because the table was proven to hold them
 * @param reason       why a day was left as it is, in one sentence; empty otherwise
 */
public record DayOutcome(String topic, LocalDate day, Kind kind, int foldedFiles, long records, int dataFiles,
        int foldedDataFiles, int deletedFiles, String reason) {

    public enum Kind {
        /** The table holds every record of the day's small files, which are deleted. */
        COMPACTED,
        /** The day is not closed yet: the committed offsets have not passed all of its files. */
        NOT_CLOSED,
        /** The day was left as it is, for the reason given. */
        LEFT
    }

    static DayOutcome left(String topic, LocalDate day, String reason) {
        return new DayOutcome(topic, day, Kind.LEFT, 0, 0, 0, 0, 0, reason);
    }

    static DayOutcome notClosed(String topic, LocalDate day, String reason) {
        return new DayOutcome(topic, day, Kind.NOT_CLOSED, 0, 0, 0, 0, 0, reason);
    }
}
