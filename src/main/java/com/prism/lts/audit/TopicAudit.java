package com.prism.lts.audit;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.prism.lts.inspect.TextTable;
import org.apache.kafka.common.TopicPartition;

/**
 * The audit of one topic: its files, then each of its partitions judged against Kafka.
 * <p>
 * A topic deleted and created again under the same name is another incarnation, with offsets of its own: the files of
 * format version 3 name the one they were read from ({@code prism.topic.id}). The incarnation audited is the one Kafka
 * has now (without Kafka, the one whose files were written last), together with the files that name none (format
 * versions 1 and 2); the files of any other are counted apart, as from an earlier topic of the same name.
 */
final class TopicAudit {

    private final String topic;
    private final String where;
    private final Collection<AuditedFile> files;
    private final List<String> others;
    private final int listed;
    private final int headersRead;
    private final String index;
    private final Optional<String> indexNotSaved;
    private final Map<String, Instant> written;
    private final TableHoldings table;
    /** Files the table holds every offset of that an earlier audit saw and the listing has no more: compacted. */
    private final int forgotten;
    private final Map<Integer, PartitionAudit> partitions = new TreeMap<>();
    private Optional<KafkaLog.Topic> kafka = Optional.empty();
    private String auditedTopicId;
    private String withoutKafka;
    private String group;

    /**
     * @param written   when each listed file was written (S3's last-modified time), by key
     * @param table     what the topic's compacted table holds
     * @param forgotten files gone since an earlier audit that the table holds, dropped from the index
     */
    TopicAudit(String topic, String where, Collection<AuditedFile> files, List<String> others, int listed,
            int headersRead, String index, Optional<String> indexNotSaved, Map<String, Instant> written,
            TableHoldings table, int forgotten) {
        this.topic = topic;
        this.where = where;
        this.files = files;
        this.others = others;
        this.listed = listed;
        this.headersRead = headersRead;
        this.index = index;
        this.indexNotSaved = indexNotSaved;
        this.written = written;
        this.table = table;
        this.forgotten = forgotten;
    }

    /**
     * Judges each partition, with Kafka's log unless {@code log} is null.
     *
     * @param kafka the topic as Kafka has it, empty when Kafka has no such topic or was not asked
     */
    void judge(KafkaLog log, Optional<KafkaLog.Topic> kafka, String group, String deadLetterTopic,
            Consumer<String> progress) {
        this.kafka = kafka;
        this.group = group;
        auditedTopicId = kafka.map(KafkaLog.Topic::id).orElseGet(this::lastWrittenTopicId);
        // the table first: a small file it names is then known as a copy of its rows
        table.offsets.forEach((id, ofId) -> ofId.forEach((number, offsets) -> {
            if (id.equals(TableHoldings.NO_TOPIC_ID) || id.equals(auditedTopicId)) {
                partition(number).inTable(offsets, table.twice.getOrDefault(id, Map.of()).get(number));
            } else {
                partition(number).inTableOfEarlierTopic(id, offsets);
            }
        }));
        for (AuditedFile file : files) {
            PartitionAudit p = partition(file.partition());
            if (file.topicId() != null && !file.topicId().equals(auditedTopicId)) {
                if (!file.gone()) {
                    p.ofEarlierTopic(file.topicId(), file.offsetList());
                }
            } else if (file.gone()) {
                p.gone(file.offsetList());
            } else if (table.names(file)) {
                p.folded(file.offsetList());
            } else {
                p.archived(file.offsetList());
            }
        }
        kafka.ifPresent(known -> {
            known.partitions().forEach((number, state) -> partition(number).kafka = Optional.of(state));
            log.deadLettered(topic, deadLetterTopic).forEach((number, offsets) -> partition(number).deadLettered =
                    offsets);
        });
        withoutKafka = log == null ? "audited without Kafka (--files-only)"
                : kafka.isEmpty() ? "Kafka has no topic " + topic : "Kafka's topic has no such partition";
        for (PartitionAudit partition : partitions.values()) {
            progress.accept(topic + ": checking partition " + partition.partition.partition());
            partition.judge(kafka.isPresent() ? log : null, group, withoutKafka);
        }
    }

    private PartitionAudit partition(int number) {
        return partitions.computeIfAbsent(number, n -> new PartitionAudit(new TopicPartition(topic, n)));
    }

    /**
     * Without Kafka: the topic id of the file written last, or else of the table's rows committed last; null when
     * none names one.
     */
    private String lastWrittenTopicId() {
        return files.stream().filter(f -> f.topicId() != null && !f.gone() && written.containsKey(f.key()))
                .max(Comparator.comparing(f -> written.get(f.key()))).map(AuditedFile::topicId)
                .orElse(table.lastTopicId());
    }

    boolean complete() {
        return partitions.values().stream().allMatch(PartitionAudit::complete);
    }

    void print(PrintWriter out) {
        out.println("Audit of " + where + (kafka.isPresent() ? ", up to the committed offsets of group " + group
                : ", from the files alone (" + withoutKafka + ")") + ":");
        TextTable table = AuditCommand.table();
        for (PartitionAudit p : partitions.values()) {
            table.row(p.partition.toString(), p.from, p.to, p.archivedCount, p.deadLetteredCount,
                    p.skippedByKafka.size(), p.restoredCopies.size(), p.missing.size(), p.notCheckedCount(),
                    p.twice.size(), p.ahead);
        }
        table.lines().forEach(line -> out.println("  " + line));
        List<String> uncommitted = partitions.values().stream().filter(p -> p.kafka.map(k -> k.committed() < 0)
                .orElse(false)).map(p -> p.partition.toString()).toList();
        if (!uncommitted.isEmpty()) {
            out.println("No committed offset of group " + group + " for " + String.join(", ", uncommitted)
                    + ": audited up to the end of Kafka's log; what lies above the last file is not checked.");
        }
        for (PartitionAudit p : partitions.values()) {
            section(out, "Missing", p, p.missing, "");
            p.notChecked.forEach((why, offsets) -> section(out, "Not checked", p, offsets, ": " + why));
            section(out, "Skipped by Kafka", p, p.skippedByKafka, ": checked, the log has no record there");
            section(out, "Restored copies", p, p.restoredCopies, ": records restore produced into this partition,"
                    + " copies of records its files hold (the archiver does not archive them again)");
            if (!p.twice.isEmpty()) {
                out.println("Archived twice: " + p.partition + " offsets " + AuditCommand.ranges(
                        PartitionAudit.ranges(p.twice)) + ", in " + String.join(", ", filesHolding(p)));
            }
            p.earlierTopics.forEach((id, earlier) -> out.printf(Locale.ROOT, "From an earlier topic of the same name:"
                    + " %s: %,d file%s%s (topic id %s), offsets %s; not counted above%n", p.partition, earlier.files,
                    earlier.files == 1 ? "" : "s", earlier.tableRows == 0 ? ""
                            : String.format(Locale.ROOT, " and %,d rows of the table", earlier.tableRows), id,
                    AuditCommand.ranges(PartitionAudit.ranges(earlier.offsets))));
        }
        printTable(out);
        files.stream().filter(AuditedFile::gone).forEach(f -> out.println("Gone: " + f.key()
                + " (listed by an earlier audit, no longer in the bucket)"));
        files.stream().filter(f -> f.disagreement().isPresent()).forEach(f -> out.println("Disagrees: " + f.key()
                + ": " + f.disagreement().get()));
        files.stream().filter(f -> f.unreadable().isPresent()).forEach(f -> out.println("Unreadable: " + f.key()
                + ": " + f.unreadable().get()));
        long versionOne = files.stream().filter(f -> !f.gone() && f.formatVersion() == 1).count();
        if (versionOne > 0) {
            out.printf(Locale.ROOT, "Format version 1: %,d files keep no keys, headers or timestamp types"
                    + " (docs/file-format.md).%n", versionOne);
        }
        if (!others.isEmpty()) {
            out.printf(Locale.ROOT, "Not archive files: %,d objects, such as %s.%n", others.size(), others.get(0));
        }
        out.printf(Locale.ROOT, "Files: %,d listed, %,d headers read (new or changed), the rest from the index %s%s.%n",
                listed, headersRead, index, indexNotSaved.map(why -> " (not saved: " + why + ")").orElse(""));
        out.println(complete() ? "Complete: nothing is missing." : "INCOMPLETE: offsets are missing or could not be"
                + " checked.");
        out.flush();
    }

    /** What the compacted table holds; or, when days are gone and there is no table, why there is none. */
    private void printTable(PrintWriter out) {
        int awaiting = partitions.values().stream().mapToInt(p -> p.awaitingDeletion).sum();
        if (table.name.isPresent()) {
            out.printf(Locale.ROOT, "Compacted table %s: %,d rows of %,d days, counted above as archived%s%s.%n",
                    table.name.get(), table.rows, table.days.size(), awaiting == 0 ? "" : String.format(Locale.ROOT,
                            "; %,d small files it holds await deletion by prism-lts compact (counted once)",
                            awaiting), forgotten == 0 ? "" : String.format(Locale.ROOT, "; %,d files compacted since"
                                    + " the last audit are gone, as they should be", forgotten));
        } else if (files.stream().anyMatch(AuditedFile::gone)) {
            out.println("No compacted table (" + table.none + "): offsets of days compacted with another catalog count"
                    + " as missing; give --catalog-type and --catalog-uri.");
        }
    }

    private void section(PrintWriter out, String title, PartitionAudit p, OffsetSet offsets, String why) {
        if (!offsets.isEmpty()) {
            out.println(title + ": " + p.partition + " offsets " + AuditCommand.ranges(PartitionAudit.ranges(offsets))
                    + why);
        }
    }

    /** The files of the incarnation audited (and the compacted table) that hold offsets archived twice. */
    private List<String> filesHolding(PartitionAudit p) {
        List<String> holding = new ArrayList<>();
        long[] inTable = {0};
        p.twice.forEach(offset -> inTable[0] += p.inTable.contains(offset) ? 1 : 0);
        if (inTable[0] > 0) {
            holding.add("the table " + table.name.orElse(""));
        }
        for (AuditedFile file : files) {
            if (!file.gone() && file.partition() == p.partition.partition()
                    && (file.topicId() == null || file.topicId().equals(auditedTopicId))) {
                for (long offset : file.offsetList()) {
                    if (p.twice.contains(offset)) {
                        holding.add(file.key());
                        break;
                    }
                }
            }
        }
        return holding;
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("topic", topic);
        map.put("where", where);
        map.put("kafka_knows_topic", kafka.isPresent());
        map.put("topic_id", auditedTopicId);
        map.put("complete", complete());
        List<Map<String, Object>> list = new ArrayList<>();
        for (PartitionAudit p : partitions.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("partition", p.partition.partition());
            m.put("from", p.from);
            m.put("to", p.to);
            p.kafka.ifPresent(k -> {
                m.put("log_start", k.logStart());
                m.put("log_end", k.logEnd());
                m.put("committed", k.committed());
                if (k.earlierTopicId() != null) {
                    m.put("committed_for_earlier_topic", Map.of("topic_id", k.earlierTopicId(), "offset",
                            k.earlierCommitted()));
                }
            });
            m.put("archived", p.archivedCount);
            m.put("in_table", p.inTable.size());
            m.put("awaiting_deletion", p.awaitingDeletion);
            m.put("dead_lettered", p.deadLetteredCount);
            m.put("skipped_by_kafka", PartitionAudit.ranges(p.skippedByKafka));
            m.put("restored_copies", PartitionAudit.ranges(p.restoredCopies));
            m.put("missing", PartitionAudit.ranges(p.missing));
            List<Map<String, Object>> notChecked = new ArrayList<>();
            p.notChecked.forEach((why, offsets) -> PartitionAudit.ranges(offsets).forEach(range -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("first", range[0]);
                entry.put("last", range[1]);
                entry.put("why", why);
                notChecked.add(entry);
            }));
            m.put("not_checked", notChecked);
            m.put("twice", PartitionAudit.ranges(p.twice));
            m.put("twice_in", p.twice.isEmpty() ? List.of() : filesHolding(p));
            m.put("ahead", p.ahead);
            List<Map<String, Object>> earlier = new ArrayList<>();
            p.earlierTopics.forEach((id, e) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("topic_id", id);
                entry.put("files", e.files);
                entry.put("table_rows", e.tableRows);
                entry.put("offsets", PartitionAudit.ranges(e.offsets));
                earlier.add(entry);
            });
            m.put("earlier_topics", earlier);
            list.add(m);
        }
        map.put("partitions", list);
        Map<String, Object> compacted = new LinkedHashMap<>();
        table.name.ifPresentOrElse(name -> {
            compacted.put("name", name);
            compacted.put("rows", table.rows);
            compacted.put("days", table.days.size());
        }, () -> compacted.put("none", table.none));
        compacted.put("forgotten_files", forgotten);
        map.put("table", compacted);
        map.put("gone", files.stream().filter(AuditedFile::gone).map(AuditedFile::key).toList());
        map.put("disagreeing", files.stream().filter(f -> f.disagreement().isPresent())
                .map(f -> Map.of("file", f.key(), "why", f.disagreement().get())).toList());
        map.put("unreadable", files.stream().filter(f -> f.unreadable().isPresent())
                .map(f -> Map.of("file", f.key(), "why", f.unreadable().get())).toList());
        map.put("format_version_1_files", files.stream().filter(f -> !f.gone() && f.formatVersion() == 1).count());
        map.put("files_listed", listed);
        map.put("headers_read", headersRead);
        map.put("index", index);
        indexNotSaved.ifPresent(why -> map.put("index_not_saved", why));
        return map;
    }
}
