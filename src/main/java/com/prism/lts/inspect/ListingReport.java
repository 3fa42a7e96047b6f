package com.prism.lts.inspect;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** How {@code ls}, and the sandbox's summary, show what is in an archive. */
public final class ListingReport {

    static final String ALL_DAYS = "all days";

    private ListingReport() {
    }

    /** Files, records and bytes per topic and day, each topic closed by its total over all days. */
    public static List<String> days(Listing listing) {
        TextTable table = new TextTable(2, "topic", "day", "files", "records", "bytes");
        for (DayTotal total : DayTotal.of(listing.files())) {
            table.row(total.topic(), total.day().map(LocalDate::toString).orElse(ALL_DAYS), total.files(),
                    total.records(), total.bytes());
        }
        return withNotes(table, listing);
    }

    /** Every file with its records and bytes. */
    public static List<String> files(Listing listing) {
        TextTable table = new TextTable(1, "file", "records", "bytes");
        for (ArchiveFileEntry file : listing.files()) {
            table.row(file.s3Key(), file.records().isPresent() ? file.records().getAsLong() : "?", file.bytes());
        }
        return withNotes(table, listing);
    }

    private static List<String> withNotes(TextTable table, Listing listing) {
        List<String> lines = new ArrayList<>(table.lines());
        long uncounted = listing.files().stream().filter(file -> file.records().isEmpty()).count();
        if (uncounted > 0) {
            lines.add("Records not counted: " + uncounted + " of these files have no record-count in their S3"
                    + " metadata.");
        }
        if (!listing.otherKeys().isEmpty()) {
            int others = listing.otherKeys().size();
            lines.add("Left out, not archive files: " + others + (others == 1 ? " object, " : " objects, such as ")
                    + listing.otherKeys().get(0) + ".");
        }
        return lines;
    }
}
