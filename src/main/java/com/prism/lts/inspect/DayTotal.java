package com.prism.lts.inspect;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toList;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The files, records and bytes of one topic's day, or of all its days when {@code day} is empty. {@code uncounted}
 * files have no record count in their metadata, so {@code records} leaves them out.
 */
public record DayTotal(String topic, Optional<LocalDate> day, int files, long records, long bytes, int uncounted) {

    /** For each topic in name order: a total for each of its days in date order, then one for all its days. */
    public static List<DayTotal> of(List<ArchiveFileEntry> files) {
        Map<String, Map<LocalDate, List<ArchiveFileEntry>>> byTopicAndDay = files.stream().collect(groupingBy(
                file -> file.key().topic(), TreeMap::new, groupingBy(file -> file.key().day(), TreeMap::new,
                        toList())));
        List<DayTotal> totals = new ArrayList<>();
        byTopicAndDay.forEach((topic, days) -> {
            days.forEach((day, ofDay) -> totals.add(sum(topic, Optional.of(day), ofDay)));
            totals.add(sum(topic, Optional.empty(), days.values().stream().flatMap(List::stream).toList()));
        });
        return totals;
    }

    private static DayTotal sum(String topic, Optional<LocalDate> day, List<ArchiveFileEntry> files) {
        long records = files.stream().mapToLong(file -> file.records().orElse(0)).sum();
        long bytes = files.stream().mapToLong(ArchiveFileEntry::bytes).sum();
        int uncounted = (int) files.stream().filter(file -> file.records().isEmpty()).count();
        return new DayTotal(topic, day, files.size(), records, bytes, uncounted);
    }
}
