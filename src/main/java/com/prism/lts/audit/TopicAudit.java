package com.prism.lts.audit;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.prism.lts.inspect.TextTable;
import org.apache.kafka.common.TopicPartition;

/** The audit of one topic: its files, then each of its partitions judged against Kafka. */
final class TopicAudit {

    private final String topic;
    private final String where;
    private final Collection<AuditedFile> files;
    private final List<String> others;
    private final int listed;
    private final int headersRead;
    private final String index;
    private final Optional<String> indexNotSaved;
    private final Map<Integer, PartitionAudit> partitions;
    private boolean kafkaKnowsTopic;

    TopicAudit(String topic, String where, Collection<AuditedFile> files, List<String> others, int listed,
            int headersRead, String index, Optional<String> indexNotSaved) {
        this.topic = topic;
        this.where = where;
        this.files = files;
        this.others = others;
        this.listed = listed;
        this.headersRead = headersRead;
        this.index = index;
        this.indexNotSaved = indexNotSaved;
        this.partitions = AuditCommand.byPartition(topic, files);
    }

    /** Judges each partition, with Kafka's log unless {@code log} is null. */
    void judge(KafkaLog log, String group, String deadLetterTopic, Consumer<String> progress) {
        if (log != null) {
            Optional<Map<Integer, KafkaLog.Partition>> kafka = log.partitions(topic, group);
            kafkaKnowsTopic = kafka.isPresent();
            kafka.ifPresent(known -> known.forEach((partition, state) -> partitions.computeIfAbsent(partition,
                    n -> new PartitionAudit(new TopicPartition(topic, n))).kafka =
                    Optional.of(state)));
            log.deadLettered(topic, deadLetterTopic).forEach((partition, offsets) -> partitions.computeIfAbsent(
                    partition, n -> new PartitionAudit(new TopicPartition(topic, n)))
                    .deadLettered = offsets);
        }
        for (PartitionAudit partition : partitions.values()) {
            progress.accept(topic + ": checking partition " + partition.partition.partition());
            partition.judge(kafkaKnowsTopic ? log : null);
        }
    }

    boolean complete() {
        return partitions.values().stream().allMatch(PartitionAudit::complete);
    }

    void print(PrintWriter out) {
        out.println("Audit of " + where + (kafkaKnowsTopic ? ", up to the committed offsets"
                : ", from the files alone (Kafka has no topic " + topic + ")") + ":");
        TextTable table = AuditCommand.table();
        for (PartitionAudit p : partitions.values()) {
            table.row(p.partition.toString(), p.from, p.to, p.archivedCount, p.deadLetteredCount,
                    PartitionAudit.count(p.skippedByKafka), PartitionAudit.count(p.missing),
                    PartitionAudit.count(p.unchecked), p.twice.size(), p.ahead);
        }
        table.lines().forEach(line -> out.println("  " + line));
        for (PartitionAudit p : partitions.values()) {
            section(out, "Missing", p, p.missing, "");
            section(out, "Could not be checked", p, p.unchecked,
                    ": below the log start, in no file an audit has seen (compacted, a transaction marker, or lost)");
            section(out, "Skipped by Kafka", p, p.skippedByKafka, ": checked, the log has no record there");
            if (!p.twice.isEmpty()) {
                out.println("Archived twice: " + p.partition + " offsets " + AuditCommand.ranges(
                        p.twice.ranges(p.twice.first(), p.twice.last() + 1)) + ", in " + String.join(", ",
                        filesHolding(p)));
            }
        }
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

    private void section(PrintWriter out, String title, PartitionAudit p, List<long[]> ranges, String why) {
        if (!ranges.isEmpty()) {
            out.println(title + ": " + p.partition + " offsets " + AuditCommand.ranges(ranges) + why);
        }
    }

    private List<String> filesHolding(PartitionAudit p) {
        List<String> holding = new ArrayList<>();
        for (AuditedFile file : files) {
            if (!file.gone() && file.partition() == p.partition.partition()) {
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
        map.put("kafka_knows_topic", kafkaKnowsTopic);
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
            });
            m.put("archived", p.archivedCount);
            m.put("dead_lettered", p.deadLetteredCount);
            m.put("skipped_by_kafka", p.skippedByKafka);
            m.put("missing", p.missing);
            m.put("not_checked", p.unchecked);
            m.put("twice", p.twice.isEmpty() ? List.of() : p.twice.ranges(p.twice.first(), p.twice.last() + 1));
            m.put("twice_in", p.twice.isEmpty() ? List.of() : filesHolding(p));
            m.put("ahead", p.ahead);
            list.add(m);
        }
        map.put("partitions", list);
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
