package com.prism.lts.commit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

import com.prism.lts.config.Backoff;
import com.prism.lts.observe.Stuck;
import com.prism.lts.upload.ExistingArchiveFile;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * One schedule of the ledger simulation, played from a seed: replicas of the archiver poll a simulated topic, route,
 * cut, commit and upload through the production classes that decide ({@link ConsumerLedgers},
 * {@link PartitionLedger}, {@link CommitState}, {@link CommitMetadata}, {@code ExistingArchiveFile},
 * {@code AvroBatchWriter}), while the schedule throws faults at them in a random order: route steps that throw,
 * cuts by size, by time and to make room, commits applied, refused or unanswered, rebalances, kill -9, frozen
 * replicas and stuck consumers waking up, read positions moved by Kafka, truncated and trimmed logs, a topic deleted
 * and created again, records that cannot be archived.
 * <p>
 * Whenever the group coordinator applies a commit, every record of the partition below the committed offset must be in
 * S3 or in the dead-letter topic; no file may ever be replaced by one lacking its records; and once the faults stop,
 * the archive must catch up by itself and then hold every record exactly once (or, if it cannot be archived, in the
 * dead-letter topic), but for records Kafka itself let go of before they were archived. The same seed plays the same
 * schedule.
 */
final class LedgerSimulation {

    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "SimulatedEvent", "namespace": "com.prism.lts.commit",
             "fields": [{"name": "uid", "type": "long"}]}""");
    private static final long NANOS_PER_STEP = 10_000_000L;
    private static final int TRACE_LINES = Integer.getInteger("simulation.trace", 400);

    final long seed;
    final SplittableRandom random;
    final SimulatedKafka kafka;
    final List<String> violations = new ArrayList<>();
    final SimulatedBucket bucket = new SimulatedBucket(violations);
    final AvroBatchWriter writer = new AvroBatchWriter("null");
    final ExistingArchiveFile settler;
    final int settingsHash = 1;
    final long commitIntervalNanos;
    final Backoff retry = new Backoff(20, 200);
    final int flushSize;
    final int maxOpenBatches;
    final int maxWaitingUploads;
    private final CommitMetadata metadata;
    private final Faults faults;
    private final List<SimulatedReplica> replicas = new ArrayList<>();
    private final Map<Long, SimulatedKafka.Produced> produced = new HashMap<>();
    private final Set<Long> gaps = new HashSet<>();
    private final Deque<String> trace = new ArrayDeque<>();
    private final int days;
    private final int schemas;
    private final int records;
    private long nanos;
    private int epochs;
    private long uids;
    private long timestamps = 1_500_000_000_000L;
    private int step;
    private boolean healing;

    /** How often each fault happens in a schedule; zero for the faults a schedule goes without. */
    record Faults(double routeFailure, double refused, double ambiguous, int kill, int freeze, int stick,
            int terminate, int movePosition, int truncate, int trim, int recreate, boolean staticMembers,
            double badRecords, double unknownIds) {

        /**
         * Each fault happens in some schedules and not in others; {@code only} (names of faults, comma-separated,
         * or empty for all) keeps the others out, to study one kind of fault at a time.
         */
        static Faults random(SplittableRandom random, String only) {
            Faults all = new Faults(
                    maybe(random, 0.5) ? random.nextDouble(0.02, 0.25) : 0,
                    maybe(random, 0.4) ? random.nextDouble(0.02, 0.2) : 0,
                    maybe(random, 0.4) ? random.nextDouble(0.02, 0.2) : 0,
                    maybe(random, 0.5) ? random.nextInt(1, 4) : 0,
                    maybe(random, 0.3) ? random.nextInt(1, 3) : 0,
                    maybe(random, 0.3) ? random.nextInt(1, 3) : 0,
                    maybe(random, 0.3) ? random.nextInt(1, 3) : 0,
                    maybe(random, 0.3) ? random.nextInt(1, 3) : 0,
                    maybe(random, 0.15) ? 1 : 0,
                    maybe(random, 0.15) ? 1 : 0,
                    maybe(random, 0.25) ? 1 : 0,
                    random.nextBoolean(),
                    maybe(random, 0.5) ? random.nextDouble(0.01, 0.1) : 0,
                    maybe(random, 0.3) ? random.nextDouble(0.05, 0.5) : 0);
            if (only.isEmpty()) {
                return all;
            }
            Set<String> kept = Set.of(only.split(","));
            return new Faults(kept.contains("route-failure") ? all.routeFailure : 0,
                    kept.contains("refused") ? all.refused : 0, kept.contains("ambiguous") ? all.ambiguous : 0,
                    kept.contains("kill") ? all.kill : 0, kept.contains("freeze") ? all.freeze : 0,
                    kept.contains("stick") ? all.stick : 0, kept.contains("terminate") ? all.terminate : 0,
                    kept.contains("move-position") ? all.movePosition : 0, kept.contains("truncate") ? all.truncate : 0,
                    kept.contains("trim") ? all.trim : 0, kept.contains("recreate") ? all.recreate : 0,
                    all.staticMembers, kept.contains("bad-records") ? all.badRecords : 0,
                    kept.contains("unknown-ids") ? all.unknownIds : 0);
        }

        private static boolean maybe(SplittableRandom random, double probability) {
            return random.nextDouble() < probability;
        }
    }

    LedgerSimulation(long seed) {
        this(seed, "");
    }

    /** @param only the faults this schedule may have, comma-separated ({@link Faults#random}); empty for all */
    LedgerSimulation(long seed, String only) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.kafka = new SimulatedKafka(random.nextInt(1, 4), uuid());
        this.flushSize = random.nextInt(2, 9);
        this.maxOpenBatches = random.nextInt(2, 12);
        this.maxWaitingUploads = random.nextInt(4, 64);
        this.commitIntervalNanos = random.nextLong(1, 20) * NANOS_PER_STEP;
        this.days = random.nextInt(1, 5);
        this.schemas = random.nextInt(1, 3);
        this.records = random.nextInt(30, 250);
        this.faults = Faults.random(random, only);
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return Instant.EPOCH.plusNanos(nanos);
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }
        };
        // orphans are swept after a few steps, not an hour, so that states of commits still in flight are among those
        // looked at: no commit that lands may name one that was swept
        this.metadata = new CommitMetadata(bucket.states(clock::instant), "topics", "g", this::uuidForState,
                random.nextBoolean() ? 4096 : random.nextInt(40, 200), clock,
                Duration.ofNanos(random.nextLong(1, 200) * NANOS_PER_STEP), Runnable::run);
        this.settler = new ExistingArchiveFile(bucket, "simulated", writer, new Backoff(1, 1), new Stuck());
        int count = random.nextInt(1, 4);
        for (int i = 0; i < count; i++) {
            replicas.add(new SimulatedReplica("replica-" + i, this));
        }
    }

    /** Plays the schedule; the violations found, none if the ledger held. */
    List<String> run() {
        trace("seed " + seed + ": " + kafka.partitions + " partitions, " + days + " days, " + schemas
                + " schemas, " + records + " records, flush size " + flushSize + ", " + replicas.size()
                + " replicas, " + faults);
        replicas.forEach(SimulatedReplica::start);
        rebalance();
        int steps = records * 6 + 200;
        for (step = 0; step < steps && violations.isEmpty(); step++) {
            nanos += NANOS_PER_STEP;
            act();
            checkCommittedStatesKept();
        }
        if (violations.isEmpty()) {
            heal();
        }
        if (violations.isEmpty()) {
            checkAll();
        }
        return violations;
    }

    String trace() {
        return String.join("\n", trace);
    }

    void trace(String line) {
        if (trace.size() == TRACE_LINES) {
            trace.removeFirst();
        }
        trace.addLast(step + (healing ? " (healing)" : "") + ": " + line);
    }

    // ---- one step of the schedule

    private void act() {
        int roll = random.nextInt(100);
        if (roll < 20) {
            produce();
        } else if (roll < 48) {
            running().ifPresent(replica -> replica.poll(random.nextInt(1, 30),
                    random.nextDouble() < faults.routeFailure ? random.nextInt(0, 4) : -1));
        } else if (roll < 66) {
            any(r -> r.state != SimulatedReplica.State.DEAD && r.state != SimulatedReplica.State.FROZEN
                    && !r.uploads.isEmpty()).ifPresent(SimulatedReplica::uploadOne);
        } else if (roll < 80) {
            deliverCommit();
        } else if (roll < 88) {
            any(r -> r.state == SimulatedReplica.State.RUNNING || r.state == SimulatedReplica.State.STUCK)
                    .ifPresent(replica -> replica.cutByTime(random.nextInt(1000)));
        } else {
            fault(random.nextInt(12));
        }
    }

    private void produce() {
        int count = random.nextInt(1, 8);
        for (int i = 0; i < count && produced.size() < records; i++) {
            int partition = random.nextInt(kafka.partitions);
            LocalDate day = LocalDate.of(2018, 1, 1).plusDays(random.nextInt(days));
            String schema = Integer.toString(random.nextInt(1, schemas + 1));
            append(partition, day, schema, timestamps++, random.nextInt(10) == 0 ? 1 : 0);
        }
    }

    private SimulatedKafka.Produced append(int partition, LocalDate day, String schema, long timestamp, int skip) {
        long uid = ++uids;
        byte[] key = random.nextInt(5) == 0 ? null : new byte[] {(byte) random.nextInt(4)};
        SimulatedKafka.Produced record = kafka.append(partition, day, schema, timestamp, key, uid,
                random.nextDouble() < faults.badRecords, skip);
        produced.put(uid, record);
        return record;
    }

    private void fault(int kind) {
        switch (kind) {
            case 0, 1 -> {
                if (faults.kill > 0) {
                    any(r -> r.state != SimulatedReplica.State.DEAD).ifPresent(replica -> {
                        trace(replica.name + " is killed (kill -9)");
                        replica.kill();
                    });
                }
            }
            case 2 -> any(r -> r.state == SimulatedReplica.State.DEAD).ifPresent(this::start);
            case 3 -> {
                if (faults.freeze > 0) {
                    any(r -> r.state == SimulatedReplica.State.RUNNING).ifPresent(replica -> {
                        trace(replica.name + " is frozen (SIGSTOP)");
                        replica.state = SimulatedReplica.State.FROZEN;
                    });
                }
            }
            case 4 -> any(r -> r.state == SimulatedReplica.State.FROZEN).ifPresent(this::thaw);
            case 5 -> {
                if (faults.stick > 0) {
                    any(r -> r.state == SimulatedReplica.State.RUNNING && r.inGroup()).ifPresent(replica -> {
                        trace(replica.name + "'s consumer is stuck past max.poll.interval.ms: it leaves the group");
                        replica.state = SimulatedReplica.State.STUCK;
                        kafka.remove(replica.member);
                        rebalance();
                    });
                }
            }
            case 6 -> any(r -> r.state == SimulatedReplica.State.STUCK).ifPresent(replica -> {
                trace(replica.name + "'s consumer goes on");
                replica.state = SimulatedReplica.State.RUNNING;
            });
            case 7 -> {
                List<SimulatedKafka.Member> silent = silentMembers();
                if (!silent.isEmpty()) {
                    SimulatedKafka.Member member = silent.get(random.nextInt(silent.size()));
                    trace(member.replica.name + "'s session as " + member.id + " times out");
                    kafka.remove(member);
                    rebalance();
                }
            }
            case 8 -> {
                if (faults.terminate > 0) {
                    running().filter(SimulatedReplica::inGroup).ifPresent(replica -> {
                        trace(replica.name + " is stopped (SIGTERM)");
                        replica.terminate();
                    });
                }
            }
            case 9 -> {
                if (faults.movePosition > 0) {
                    running().ifPresent(this::movePosition);
                }
            }
            case 10 -> {
                if (faults.truncate > 0 && random.nextInt(4) == 0) {
                    truncate();
                } else if (faults.trim > 0 && random.nextInt(4) == 0) {
                    trim();
                }
            }
            default -> {
                if (faults.recreate > 0 && kafka.incarnations.size() == 1 && produced.size() > records / 3) {
                    recreate();
                }
            }
        }
    }

    private void start(SimulatedReplica replica) {
        if (faults.staticMembers && replica.member != null && replica.inGroup()) {
            // a static member started again takes its partitions back at once: its old incarnation is fenced
            kafka.remove(replica.member);
        }
        trace(replica.name + " starts");
        replica.start();
        rebalance();
    }

    private void thaw(SimulatedReplica replica) {
        trace(replica.name + " is resumed (SIGCONT)");
        replica.state = SimulatedReplica.State.RUNNING;
        if (replica.inGroup()) {
            rebalance();
        }
    }

    private void movePosition(SimulatedReplica replica) {
        List<TopicPartition> owned = new ArrayList<>(replica.owned());
        if (owned.isEmpty()) {
            return;
        }
        TopicPartition partition = owned.get(random.nextInt(owned.size()));
        replica.movePositionBack(partition, random::nextLong);
        trace("Kafka moves the read position of " + replica.name + " on " + partition + " back to "
                + replica.position(partition));
    }

    /**
     * An unclean leader election: the partition's log loses its last records, and new ones will take their offsets.
     * The consumers find the divergence from the leader epochs (KIP-320) and move their read positions back to it;
     * one that takes the partition at a committed offset past it is moved back there as well.
     */
    private void truncate() {
        int partition = random.nextInt(kafka.partitions);
        SimulatedKafka.Log log = kafka.log(partition);
        if (log.end - log.start < 2) {
            return;
        }
        long from = log.end - random.nextLong(1, Math.min(10, log.end - log.start));
        trace("an unclean leader election truncates partition " + partition + " at " + from);
        letGo(log.records.tailMap(from, true).values());
        kafka.truncate(partition, from);
        TopicPartition tp = SimulatedKafka.partition(partition);
        replicas.forEach(replica -> replica.divergedAt(tp, from));
    }

    private void trim() {
        int partition = random.nextInt(kafka.partitions);
        SimulatedKafka.Log log = kafka.log(partition);
        if (log.end == log.start) {
            return;
        }
        long start = log.start + random.nextLong(1, log.end - log.start + 1);
        trace("retention deletes partition " + partition + " below " + start);
        letGo(log.records.headMap(start, false).values());
        kafka.trim(partition, start);
    }

    /**
     * The topic is deleted and created again with as many partitions, and its records re-published at the same
     * offsets with the same days and timestamps (corrections): the consumers' positions stay where they were.
     */
    private void recreate() {
        trace("the topic is deleted and created again");
        SimulatedKafka.Incarnation old = kafka.current();
        old.logs.forEach(log -> letGo(log.records.values()));
        kafka.recreate(uuid());
        for (int p = 0; p < kafka.partitions; p++) {
            for (SimulatedKafka.Produced record : old.logs.get(p).records.values()) {
                if (random.nextInt(3) > 0) {
                    SimulatedKafka.Log log = kafka.log(p);
                    append(p, record.day(), record.schemaId(), record.timestamp(),
                            (int) (record.offset() - log.end));
                }
            }
        }
        if (random.nextBoolean()) {
            rebalance();
        }
    }

    /**
     * Kafka lets go of these records: those not archived yet (in a file of their own topic incarnation) are gaps Kafka
     * made, not losses of ours.
     */
    private void letGo(Iterable<SimulatedKafka.Produced> records) {
        Map<Long, List<String>> topicIds = bucket.topicIds();
        Set<Long> deadLettered = deadLettered();
        for (SimulatedKafka.Produced record : records) {
            String own = kafka.incarnations.get(record.incarnation()).id.toString();
            boolean archived = topicIds.getOrDefault(record.uid(), List.of()).stream()
                    .anyMatch(id -> id == null || id.equals(own));
            if (!archived && !deadLettered.contains(record.uid())) {
                gaps.add(record.uid());
            }
        }
    }

    private void deliverCommit() {
        any(r -> !r.pending.isEmpty() && r.state != SimulatedReplica.State.FROZEN).ifPresent(this::deliver);
    }

    /** The group coordinator answers the oldest commit {@code sender} has in flight. */
    void deliver(SimulatedReplica sender) {
        SimulatedReplica.Pending commit = sender.pending.get(0);
        boolean refused = !healing && random.nextDouble() < faults.refused;
        boolean ambiguous = !healing && !refused && random.nextDouble() < faults.ambiguous;
        boolean applied = !refused && (!ambiguous || random.nextBoolean())
                && kafka.commit(commit.memberId(), commit.generation(), commit.commit().offsets());
        committed(sender, commit.commit(), applied);
        sender.answer(commit, applied, ambiguous);
    }

    /** The coordinator applied (or not) a commit: every record below each committed offset must be safe. */
    void committed(SimulatedReplica replica, ConsumerLedgers.Commit commit, boolean applied) {
        trace(replica.name + (applied ? " commits " : " is refused a commit of ")
                + ConsumerLedgers.describe(commit.offsets()) + " " + commit.snapshots().values().stream()
                        .map(snapshot -> snapshot.ledger() + " " + snapshot.state().cuts().values()).toList());
        if (!applied) {
            return;
        }
        Map<Long, Integer> copies = bucket.copies();
        Set<Long> deadLettered = deadLettered();
        commit.offsets().forEach((partition, offset) -> {
            Uuid named = stateOf(offset).topicId();
            if (named != null && !named.equals(kafka.current().id)) {
                // committed for the topic before it was created again: no reader takes it for this one's
                trace(replica.name + "'s commit of " + partition + " names the topic's old id " + named);
                return;
            }
            // a file not known to be in S3 holds the first of its records the log still has back: those below it
            // Kafka let go of (retention, or a truncated log with no record of the file's day and schema there now)
            SimulatedKafka.Log log = kafka.log(partition.partition());
            stateOf(offset).cuts().forEach((stream, cuts) -> cuts.stream()
                    .filter(cut -> !cut.done() && cut.first() < offset.offset() && log.records
                            .subMap(cut.first(), true, offset.offset(), false).values().stream()
                            .anyMatch(record -> !record.bad() && record.day().equals(stream.day())
                                    && record.schemaId().equals(stream.schemaId()))).findFirst()
                    .ifPresent(cut -> violations.add(replica.name + " committed " + partition + " at "
                            + offset.offset() + " with a file of " + stream + " not known to be in S3 that begins"
                            + " below it: " + cut)));
            // a reader of this commit starts where Kafka's validation of its leader epoch sends it
            long upTo = kafka.log(partition.partition()).validated(offset.offset(), offset.leaderEpoch());
            for (SimulatedKafka.Produced record : produced.values()) {
                if (record.incarnation() == kafka.current().number && record.partition() == partition.partition()
                        && record.offset() < upTo && !gaps.contains(record.uid())
                        && !(record.bad() ? deadLettered.contains(record.uid()) : copies.containsKey(record.uid()))) {
                    violations.add(replica.name + " committed " + partition + " at " + offset.offset() + " past "
                            + describe(record) + ", which is " + (record.bad() ? "not in the dead-letter topic"
                                    : "in no file"));
                }
            }
        });
    }

    /** A state object a commit names is never deleted: its records' files would be written a second time. */
    private void checkCommittedStatesKept() {
        kafka.committed.forEach((partition, committed) -> CommitMetadata.objectOf(committed.metadata())
                .filter(key -> bucket.state(key) == null)
                .ifPresent(key -> violations.add("the state " + key + " committed for " + partition + " at "
                        + committed.offset() + " was deleted")));
    }

    /** What the group committed for {@code partition}, for the trace. */
    String describeCommitted(TopicPartition partition) {
        OffsetAndMetadata committed = kafka.committed.get(partition);
        if (committed == null) {
            return "";
        }
        CommitState state = stateOf(committed);
        return " (committed " + committed.offset() + " for topic id " + state.topicId() + " with files " + state.cuts() + ", dead letters "
                + state.deadLettered() + ")";
    }

    private CommitState stateOf(OffsetAndMetadata committed) {
        String text = committed.metadata();
        Optional<String> object = CommitMetadata.objectOf(text);
        if (object.isPresent()) {
            return CommitState.decode(bucket.state(object.get()), committed.offset());
        }
        return CommitState.fromText(text.substring(CommitMetadata.INLINE.length()), committed.offset());
    }

    // ---- the group

    /** A rebalance: revoked partitions are committed and given up, then the new generation is assigned. */
    void rebalance() {
        Map<TopicPartition, String> plan = kafka.plan();
        for (SimulatedKafka.Member member : new ArrayList<>(kafka.joinOrder)) {
            SimulatedReplica replica = member.replica;
            if (replica.state != SimulatedReplica.State.RUNNING || replica.member != member) {
                continue;
            }
            List<TopicPartition> moving = replica.owned().stream()
                    .filter(partition -> !member.id.equals(plan.get(partition))).toList();
            if (!moving.isEmpty()) {
                trace(replica.name + " has " + moving + " revoked");
                replica.revoked(moving);
            }
        }
        kafka.apply(plan);
        for (SimulatedKafka.Member member : new ArrayList<>(kafka.joinOrder)) {
            SimulatedReplica replica = member.replica;
            if (replica.state != SimulatedReplica.State.RUNNING || replica.member != member) {
                continue;
            }
            member.generation = kafka.generation;
            replica.generation = kafka.generation;
            List<TopicPartition> assigned = plan.entrySet().stream()
                    .filter(entry -> entry.getValue().equals(member.id) && !replica.owned().contains(entry.getKey()))
                    .map(Map.Entry::getKey).sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
            if (!assigned.isEmpty()) {
                replica.assigned(assigned);
            }
        }
    }

    // ---- the end: faults stop, the archive must catch up and hold every record once

    private void heal() {
        healing = true;
        for (SimulatedReplica replica : replicas) {
            if (replica.state == SimulatedReplica.State.FROZEN) {
                thaw(replica);
            } else if (replica.state == SimulatedReplica.State.STUCK) {
                replica.state = SimulatedReplica.State.RUNNING;
            }
        }
        silentMembers().forEach(kafka::remove);
        for (SimulatedReplica replica : replicas) {
            if (replica.state == SimulatedReplica.State.DEAD) {
                start(replica);
            }
        }
        rebalance();
        for (int round = 0; round < 400 && violations.isEmpty(); round++) {
            nanos += 20 * NANOS_PER_STEP;
            step++;
            for (SimulatedReplica replica : replicas) {
                replica.poll(100, -1);
            }
            for (SimulatedReplica replica : replicas) {
                while (!replica.pending.isEmpty()) {
                    deliverCommit();
                }
                while (replica.uploadOne()) {
                    // every upload ready goes out
                }
                while (replica.cutByTime(0)) {
                    // the quiet period passes for every open batch
                }
            }
            if (caughtUp()) {
                return;
            }
        }
        if (violations.isEmpty()) {
            violations.add("the archive did not catch up once the faults stopped: committed " + kafka.committed
                    + ", logs end at " + kafka.current().logs.stream().map(log -> log.end).toList()
                    + "; open batches " + replicas.stream().mapToInt(SimulatedReplica::openBatches).sum()
                    + ", uploads waiting " + replicas.stream().mapToInt(SimulatedReplica::waitingUploads).sum()
                    + "; " + replicas.stream().map(SimulatedReplica::describe).toList());
        }
    }

    private boolean caughtUp() {
        for (int p = 0; p < kafka.partitions; p++) {
            SimulatedKafka.Log log = kafka.log(p);
            OffsetAndMetadata committed = kafka.committed.get(SimulatedKafka.partition(p));
            if (log.records.isEmpty()) {
                continue;
            }
            // past the last record: a transaction marker after it is never a record to read; and for this topic, not
            // an earlier one of the same name (a commit made before its replica saw the change names that one)
            if (committed == null || committed.offset() <= log.records.lastKey()
                    || !kafka.current().id.equals(stateOf(committed).topicId())) {
                return false;
            }
        }
        return replicas.stream().allMatch(r -> r.openBatches() == 0 && r.uploads.isEmpty() && r.pending.isEmpty());
    }

    /**
     * Every record exactly once in the archive, in files of its own topic incarnation and in none of another, or in
     * the dead-letter topic if it cannot be archived; records Kafka let go of may be missing.
     */
    private void checkAll() {
        Map<Long, List<String>> topicIds = bucket.topicIds();
        Set<Long> deadLettered = deadLettered();
        for (SimulatedKafka.Produced record : produced.values()) {
            List<String> files = topicIds.getOrDefault(record.uid(), List.of());
            String own = kafka.incarnations.get(record.incarnation()).id.toString();
            long count = files.stream().filter(id -> id == null || id.equals(own)).count();
            boolean gap = gaps.contains(record.uid());
            if (record.bad()) {
                if (!files.isEmpty()) {
                    violations.add(describe(record) + " cannot be archived but is in " + files.size() + " files");
                }
                if (!gap && !deadLettered.contains(record.uid())) {
                    violations.add(describe(record) + " cannot be archived and is not in the dead-letter topic");
                }
            } else if (count > 1 || (count == 0 && !gap) || files.size() > count) {
                violations.add(describe(record) + " is in " + count + " files of its topic" + (files.size() > count
                        ? " (and " + (files.size() - count) + " of another topic id)" : "") + ": "
                        + bucket.keysHolding(record.uid()));
            }
        }
    }

    // ---- helpers for the replicas

    SimulatedKafka.Produced produced(ConsumerRecord<?, ?> record) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder((byte[]) record.value(), null);
            return produced.get(decoder.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ConsumerRecord<byte[], byte[]> consumerRecord(SimulatedKafka.Produced record) {
        byte[] value = datum(record.uid());
        return new ConsumerRecord<>(SimulatedKafka.TOPIC, record.partition(), record.offset(), record.timestamp(),
                TimestampType.CREATE_TIME, record.key() == null ? -1 : record.key().length, value.length,
                record.key(), value, new RecordHeaders(), Optional.of(record.leaderEpoch()));
    }

    /** The Avro binary encoding of an event of {@link #SCHEMA}. */
    static byte[] datum(long uid) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(10);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            encoder.writeLong(uid);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The topic's id as the cluster tells it to a replica that asks: none, when it does not answer in time. */
    Uuid askedTopicId() {
        return !healing && random.nextDouble() < faults.unknownIds ? null : kafka.current().id;
    }

    /** The id of the topic incarnation {@code record} was produced to. */
    Uuid incarnationOf(SimulatedKafka.Produced record) {
        return kafka.incarnations.get(record.incarnation()).id;
    }

    CommitMetadata commitMetadata() {
        return metadata;
    }

    long nanoTime() {
        return nanos;
    }

    int nextEpoch() {
        return ++epochs;
    }

    private Set<Long> deadLettered() {
        Set<Long> uids = new HashSet<>();
        kafka.deadLetters.forEach(letter -> uids.add(letter.source().uid()));
        return uids;
    }

    /** Members whose process is gone or frozen: the coordinator hears from them no more. */
    private List<SimulatedKafka.Member> silentMembers() {
        return kafka.joinOrder.stream().filter(member -> member.replica.member != member
                || member.replica.state == SimulatedReplica.State.DEAD
                || member.replica.state == SimulatedReplica.State.FROZEN).toList();
    }

    private Optional<SimulatedReplica> running() {
        return any(r -> r.state == SimulatedReplica.State.RUNNING);
    }

    private Optional<SimulatedReplica> any(java.util.function.Predicate<SimulatedReplica> which) {
        List<SimulatedReplica> candidates = replicas.stream().filter(which).toList();
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(random.nextInt(candidates.size())));
    }

    private Uuid uuid() {
        return new Uuid(random.nextLong(), random.nextLong());
    }

    private UUID uuidForState() {
        return new UUID(random.nextLong(), random.nextLong());
    }

    private static String describe(SimulatedKafka.Produced record) {
        return "record " + record.uid() + " (incarnation " + record.incarnation() + ", partition "
                + record.partition() + ", offset " + record.offset() + ", " + record.day() + "/" + record.schemaId()
                + ")";
    }
}
