package com.prism.lts.commit;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Kafka as the ledger simulation needs it: one topic whose partitions are logs of records (deleted and created again,
 * truncated, trimmed by retention), the archiver's consumer group (members, generations, assignments, committed
 * offsets with their metadata) and the dead-letter topic. Everything happens when the simulation says so.
 */
final class SimulatedKafka {

    static final String TOPIC = "sim";

    /**
     * A record produced: the ground truth. {@code uid} is unique to each record produced and is what its value
     * encodes, so a file's records are known by reading its values; {@code bad} records cannot be archived.
     */
    record Produced(int incarnation, int partition, long offset, int leaderEpoch, LocalDate day, String schemaId,
            long timestamp, byte[] key, long uid, boolean bad) {
    }

    /** One incarnation of the topic: its id and its partitions' logs. */
    static final class Incarnation {
        final int number;
        final Uuid id;
        final List<Log> logs = new ArrayList<>();
        boolean deleted;

        Incarnation(int number, Uuid id, int partitions) {
            this.number = number;
            this.id = id;
            for (int p = 0; p < partitions; p++) {
                logs.add(new Log());
            }
        }
    }

    /** A partition's log: records by offset, from its log start to its end (the next offset). */
    static final class Log {
        final NavigableMap<Long, Produced> records = new TreeMap<>();
        long start;
        long end;
        /** Grows with each new leader: records appended after a truncation carry a higher one. */
        int leaderEpoch;
        /** Where the log was truncated, by the leader epoch that followed. */
        final NavigableMap<Integer, Long> truncatedAt = new TreeMap<>();

        /**
         * Where a consumer starting at {@code offset}, committed with {@code epoch}, really starts: Kafka validates
         * the committed position against the leader epochs (KIP-320) and goes back to where the log diverged.
         */
        long validated(long offset, java.util.Optional<Integer> epoch) {
            if (epoch.isEmpty()) {
                // nothing to validate with: past the log's end, Kafka resets to its start (auto.offset.reset)
                return offset > end ? start : offset;
            }
            long position = offset;
            for (Map.Entry<Integer, Long> truncation : truncatedAt.entrySet()) {
                if (truncation.getKey() > epoch.get()) {
                    position = Math.min(position, truncation.getValue());
                }
            }
            return Math.min(position, end);
        }
    }

    /** A dead letter: the record it came from. */
    record DeadLetter(Produced source) {
    }

    /** A member of the group as the coordinator knows it. */
    static final class Member {
        final String id;
        final SimulatedReplica replica;
        int generation;

        Member(String id, SimulatedReplica replica) {
            this.id = id;
            this.replica = replica;
        }
    }

    final int partitions;
    final List<Incarnation> incarnations = new ArrayList<>();
    final Map<String, Member> members = new HashMap<>();
    final List<Member> joinOrder = new ArrayList<>();
    final Map<TopicPartition, String> owners = new HashMap<>();
    final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    int generation;
    private int memberIds;

    SimulatedKafka(int partitions, Uuid firstId) {
        this.partitions = partitions;
        incarnations.add(new Incarnation(0, firstId, partitions));
    }

    Incarnation current() {
        return incarnations.get(incarnations.size() - 1);
    }

    Log log(int partition) {
        return current().logs.get(partition);
    }

    static TopicPartition partition(int p) {
        return new TopicPartition(TOPIC, p);
    }

    /** Appends a record to a partition of the current incarnation; {@code skip} offsets go to a transaction marker. */
    Produced append(int partition, LocalDate day, String schemaId, long timestamp, byte[] key, long uid, boolean bad,
            int skip) {
        Log log = log(partition);
        log.end += skip;
        Produced record = new Produced(current().number, partition, log.end, log.leaderEpoch, day, schemaId, timestamp,
                key, uid, bad);
        log.records.put(log.end, record);
        log.end++;
        return record;
    }

    // ---- the group

    Member join(SimulatedReplica replica) {
        Member member = new Member("member-" + ++memberIds, replica);
        members.put(member.id, member);
        joinOrder.add(member);
        return member;
    }

    void remove(Member member) {
        members.remove(member.id);
        joinOrder.remove(member);
        owners.values().removeIf(member.id::equals);
    }

    boolean isCurrent(String memberId, int memberGeneration) {
        Member member = members.get(memberId);
        return member != null && member.generation == memberGeneration && memberGeneration == generation;
    }

    /**
     * Where every partition goes in the next generation: partitions of members that left go to those still here,
     * spread evenly, each member keeping what it can (the cooperative-sticky assignor). A member that does not
     * answer (dead or frozen, its session not over yet) keeps its partitions and is given no others: Kafka moves
     * nothing away from a member before it has given it up or been removed from the group.
     */
    Map<TopicPartition, String> plan() {
        Map<TopicPartition, String> next = new HashMap<>();
        List<Member> answering = joinOrder.stream().filter(member -> member.replica.answers(member)).toList();
        int quota = answering.isEmpty() ? 0 : (partitions + answering.size() - 1) / answering.size();
        Map<String, Integer> counts = new HashMap<>();
        List<TopicPartition> free = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = partition(p);
            Member owner = members.get(owners.get(tp));
            // a member that does not answer holds up the rebalance: nothing moves away from it until it is gone
            if (owner != null && (!owner.replica.answers(owner) || counts.getOrDefault(owner.id, 0) < quota)) {
                next.put(tp, owner.id);
                counts.merge(owner.id, 1, Integer::sum);
            } else {
                free.add(tp);
            }
        }
        if (answering.isEmpty()) {
            return next;
        }
        for (TopicPartition tp : free) {
            Member least = answering.stream().min((a, b) -> Integer.compare(counts.getOrDefault(a.id, 0),
                    counts.getOrDefault(b.id, 0))).orElseThrow();
            next.put(tp, least.id);
            counts.merge(least.id, 1, Integer::sum);
        }
        return next;
    }

    /** The next generation begins with {@code plan}. */
    void apply(Map<TopicPartition, String> plan) {
        generation++;
        owners.clear();
        owners.putAll(plan);
    }

    /** Applies a commit if the coordinator takes it: from a member of the current generation. */
    boolean commit(String memberId, int memberGeneration, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (!isCurrent(memberId, memberGeneration)) {
            return false;
        }
        committed.putAll(offsets);
        return true;
    }

    // ---- what happens to the topic

    /** The topic is deleted and created again with as many partitions: the group's offsets of it are deleted. */
    Incarnation recreate(Uuid id) {
        current().deleted = true;
        committed.clear();
        Incarnation next = new Incarnation(incarnations.size(), id, partitions);
        incarnations.add(next);
        return next;
    }

    /** An unclean leader election: the log of {@code partition} loses its records from {@code from} on. */
    void truncate(int partition, long from) {
        Log log = log(partition);
        log.records.tailMap(from, true).clear();
        log.end = Math.max(from, log.start);
        log.leaderEpoch++;
        log.truncatedAt.put(log.leaderEpoch, log.end);
    }

    /** Retention: the log of {@code partition} starts at {@code start}. */
    void trim(int partition, long start) {
        Log log = log(partition);
        log.records.headMap(start, false).clear();
        log.start = Math.max(log.start, Math.min(start, log.end));
    }
}
