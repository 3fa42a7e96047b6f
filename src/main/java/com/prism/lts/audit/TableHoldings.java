package com.prism.lts.audit;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.prism.lts.table.TableOffsets;
import org.apache.iceberg.Table;

/**
 * What the compacted table of a topic holds (docs/compaction.md), as an audit counts it: the offsets of its rows by
 * topic incarnation and partition, the offsets it holds in two rows, and which of the small files the audit asked
 * about it names ({@code prism.file}, {@code prism.file_etag}): those were folded in, and are copies of rows of the
 * table awaiting deletion by the compactor, not second copies of their records.
 */
final class TableHoldings {

    /** The topic id of rows from small files that name none (format versions 1 and 2). */
    static final String NO_TOPIC_ID = "";

    /** The table's name, or empty when there is no table. */
    final Optional<String> name;
    /** Why there is no table, when there is none. */
    final String none;
    /** Topic id ({@link #NO_TOPIC_ID} for none) -> partition -> offsets. */
    final Map<String, Map<Integer, OffsetSet>> offsets = new HashMap<>();
    /** Topic id -> partition -> offsets that two rows hold. */
    final Map<String, Map<Integer, OffsetSet>> twice = new HashMap<>();
    final Set<LocalDate> days = new TreeSet<>();
    long rows;
    private final Set<String> named = new HashSet<>();
    private String lastTopicId;
    private long lastSequence = -1;

    private TableHoldings(Optional<String> name, String none) {
        this.name = name;
        this.none = none;
    }

    static TableHoldings none(String why) {
        return new TableHoldings(Optional.empty(), why);
    }

    /**
     * Reads the table's rows.
     *
     * @param asked the small files (listed now, or gone since an earlier audit) to tell whether the table names
     */
    static TableHoldings read(Table table, Iterable<AuditedFile> asked) {
        TableHoldings holdings = new TableHoldings(Optional.of(table.name()), "");
        Set<String> labels = new HashSet<>();
        Set<LocalDate> daysAsked = new HashSet<>();
        for (AuditedFile file : asked) {
            labels.add(label(file.key(), file.eTag()));
            daysAsked.add(file.archiveKey().day());
        }
        TableOffsets.read(table, daysAsked::contains, (day, sequence, partition, offset, topicId, file, eTag) -> {
            String id = topicId == null ? NO_TOPIC_ID : topicId;
            holdings.rows++;
            holdings.days.add(day);
            if (!holdings.offsets.computeIfAbsent(id, i -> new HashMap<>())
                    .computeIfAbsent(partition, p -> new OffsetSet()).add(offset)) {
                holdings.twice.computeIfAbsent(id, i -> new HashMap<>())
                        .computeIfAbsent(partition, p -> new OffsetSet()).add(offset);
            }
            if (file != null && labels.contains(label(file, eTag))) {
                holdings.named.add(label(file, eTag));
            }
            if (topicId != null && sequence > holdings.lastSequence) {
                holdings.lastSequence = sequence;
                holdings.lastTopicId = topicId;
            }
        });
        return holdings;
    }

    /** Whether rows of the table were folded in from this very file (key and ETag). */
    boolean names(AuditedFile file) {
        return named.contains(label(file.key(), file.eTag()));
    }

    /** Whether the table names the file and holds each of its offsets: the file was compacted, and may be forgotten. */
    boolean holdsAll(AuditedFile file) {
        if (!names(file)) {
            return false;
        }
        OffsetSet held = offsets.getOrDefault(file.topicId() == null ? NO_TOPIC_ID : file.topicId(), Map.of())
                .get(file.partition());
        if (held == null) {
            return false;
        }
        for (long offset : file.offsetList()) {
            if (!held.contains(offset)) {
                return false;
            }
        }
        return true;
    }

    /** The topic id of the rows committed last, or null when no row names one. */
    String lastTopicId() {
        return lastTopicId;
    }

    /** A small file's key and ETag, the ETag as the table keeps it (without quotes). */
    private static String label(String key, String eTag) {
        return key + "\n" + eTag.replace("\"", "");
    }
}
