package com.prism.lts.compact;

import java.time.LocalDate;

/**
 * Where the compaction of a day has got to, for whoever follows it: the command prints it, and the tests that kill a
 * compactor with {@code kill -9} stop it at each step. Each step happens at most once per attempt at a day.
 */
public interface CompactionSteps {

    enum Step {
        /** The day's new rows are in data files of the table's location that no snapshot references yet. */
        DATA_FILES_WRITTEN,
        /** About to commit them, in one snapshot. */
        COMMITTING,
        /** The commit is durable: the table holds the rows. */
        COMMITTED,
        /** The table was checked to hold every offset of the day's small files once; deleting those files. */
        DELETING
    }

    void reached(Step step, String topic, LocalDate day);

    /** A small file of the day was deleted, the {@code done}-th of {@code total}. */
    void deleted(String key, int done, int total);
}
