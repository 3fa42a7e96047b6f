package com.prism.lts.sandbox;

import java.util.Locale;

/** What the sandbox has done at one moment: its traffic sent, and the archiver's work. */
record Progress(long sent, long archived, long files, int openBatches, int waitingUploads) {

    /** While the sandbox sends its own {@code total} events. */
    String line(long total) {
        return String.format(Locale.ROOT, "  sent %,d of %,d events; ", sent, total) + archiveLine().strip();
    }

    /** After that, when only the archiver's numbers change. */
    String archiveLine() {
        return String.format(Locale.ROOT, "  archived %,d events in %,d files; %,d batches open, %,d waiting for"
                + " upload", archived, files, openBatches, waitingUploads);
    }

    /** Every event sent is in a file or a dead letter, and nothing is left open. */
    boolean settled(long total, long deadLettered) {
        return sent == total && archived + deadLettered >= total && openBatches == 0 && waitingUploads == 0;
    }
}
