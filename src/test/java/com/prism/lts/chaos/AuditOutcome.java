package com.prism.lts.chaos;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.testing.ToolRun;

/**
 * What {@code prism-lts audit}, the real command run in this JVM, says of a scenario's archive once the replicas have
 * stopped: its exit code and its verdict per partition (its {@code --json} output).
 */
record AuditOutcome(int exitCode, JsonNode json) {

    /** Audits the archive of the scenario's topic up to the committed offsets of its group. */
    static AuditOutcome of(String topic, Map<String, String> settings) {
        ToolRun run = ToolRun.of(List.of("audit", "--topic", topic, "--json",
                "--bootstrap-servers", settings.get("prism.kafka.bootstrap-servers"),
                "--group-id", settings.get("prism.kafka.group-id"),
                "--endpoint", settings.get("prism.s3.endpoint"),
                "--region", settings.get("prism.s3.region"),
                "--path-style",
                "--access-key", settings.get("prism.s3.access-key"),
                "--secret-key", settings.get("prism.s3.secret-key"),
                "--bucket", settings.get("prism.s3.bucket"),
                "--prefix", settings.get("prism.s3.prefix")));
        try {
            return new AuditOutcome(run.exitCode(), new ObjectMapper().readTree(run.out()));
        } catch (Exception e) {
            throw new AssertionError("audit printed no JSON (exit code " + run.exitCode() + "): " + run.out()
                    + run.err(), e);
        }
    }

    /** Exit code 0, and the audit says so itself: every offset up to the committed one proven. */
    boolean complete() {
        return exitCode == 0 && json.path("complete").asBoolean(false);
    }

    long archived() {
        return sum("archived");
    }

    long deadLettered() {
        return sum("dead_lettered");
    }

    /** Offsets missing or not checked, in every partition. */
    long unproven() {
        long unproven = 0;
        for (JsonNode partition : partitions()) {
            unproven += count(partition.path("missing"));
            for (JsonNode range : partition.path("not_checked")) {
                unproven += range.path("last").asLong() - range.path("first").asLong() + 1;
            }
        }
        return unproven;
    }

    /** Offsets archived twice by files of the topic audited. */
    long twice() {
        long twice = 0;
        for (JsonNode partition : partitions()) {
            twice += count(partition.path("twice"));
        }
        return twice;
    }

    /** Files reported apart, as an earlier topic's of the same name, by the topic id they name. */
    Map<String, Long> earlierTopicFiles() {
        Map<String, Long> files = new TreeMap<>();
        for (JsonNode partition : partitions()) {
            for (JsonNode earlier : partition.path("earlier_topics")) {
                files.merge(earlier.path("topic_id").asText(), earlier.path("files").asLong(), Long::sum);
            }
        }
        return files;
    }

    /** The topic id the audit took as the current one. */
    String topicId() {
        return json.path("topics").path(0).path("topic_id").asText();
    }

    private Iterable<JsonNode> partitions() {
        return json.path("topics").path(0).path("partitions");
    }

    private long sum(String field) {
        long sum = 0;
        for (JsonNode partition : partitions()) {
            sum += partition.path(field).asLong();
        }
        return sum;
    }

    /** How many offsets {@code ranges} ({@code [first, last]} pairs) hold. */
    private static long count(JsonNode ranges) {
        long count = 0;
        for (JsonNode range : ranges) {
            count += range.get(1).asLong() - range.get(0).asLong() + 1;
        }
        return count;
    }

    @Override
    public String toString() {
        long earlier = earlierTopicFiles().values().stream().mapToLong(Long::longValue).sum();
        return String.format(Locale.ROOT, "audit exit code %d: %s; %,d archived, %,d dead-lettered, %,d missing or not"
                + " checked, %,d archived twice%s", exitCode, complete() ? "complete" : "INCOMPLETE", archived(),
                deadLettered(), unproven(), twice(), earlier == 0 ? ""
                        : String.format(Locale.ROOT, "; %,d files of an earlier topic of the same name apart", earlier));
    }
}
