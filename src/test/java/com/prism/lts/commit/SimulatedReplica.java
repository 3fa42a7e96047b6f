package com.prism.lts.commit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.decode.DecodedEvent;
import com.prism.lts.upload.ExistingArchiveFile;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * One replica of the archiver in the ledger simulation: its consumer ({@link ConsumerLedgers}, the decisions
 * {@link ArchivingConsumer} carries out), the archive route's steps as {@code routes/archive.yaml} takes them for each
 * poll (skip what was archived, dead-letter what cannot be, slice by batch, aggregate, release), the aggregator's
 * completions ({@code DayBatches}) and the upload route (wait for the cut's commit, write, upload, settle a taken
 * key). The production classes decide; this class only plays what Kafka, Camel and S3 would do around them, when the
 * simulation says so.
 */
final class SimulatedReplica implements OpenBatches, ConsumerWatch {

    enum State {
        /** Not running. */
        DEAD,
        RUNNING,
        /** The consumer's thread is stuck (past max.poll.interval.ms); the upload threads go on. */
        STUCK,
        /** The whole process is stopped (SIGSTOP). */
        FROZEN
    }

    /** A finished batch on its way to S3. */
    record Upload(ArchiveBatch batch, PartitionLedger.Cut cut, CompletionStage<Boolean> mayUpload) {
    }

    private static final class OpenBatch {
        final ArchiveBatch batch;
        boolean endPassed;

        OpenBatch(ArchiveBatch batch) {
            this.batch = batch;
        }
    }

    final String name;
    private final LedgerSimulation world;
    private final SimulatedKafka kafka;
    State state = State.DEAD;
    SimulatedKafka.Member member;
    int generation;
    private ConsumerLedgers ledgers;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final LinkedHashMap<String, OpenBatch> open = new LinkedHashMap<>();
    final List<Upload> uploads = new ArrayList<>();
    /** Commits sent and not answered yet, oldest first. */
    final List<Pending> pending = new ArrayList<>();

    /** A commit on its way to the coordinator. */
    record Pending(SimulatedReplica replica, String memberId, int generation, ConsumerLedgers.Commit commit) {
    }

    SimulatedReplica(String name, LedgerSimulation world) {
        this.name = name;
        this.world = world;
        this.kafka = world.kafka;
    }

    // ---- the process

    void start() {
        state = State.RUNNING;
        ledgers = new ConsumerLedgers(world.commitMetadata(), this, this, topic -> world.settingsHash,
                world.commitIntervalNanos, world.retry, world::nanoTime, world::nextEpoch);
        positions.clear();
        open.clear();
        uploads.clear();
        pending.clear();
        member = kafka.join(this);
    }

    /** kill -9: everything in memory is gone; the group finds out when the member's session ends. */
    void kill() {
        state = State.DEAD;
        open.clear();
        uploads.clear();
        pending.clear();
        ledgers = null;
    }

    /**
     * SIGTERM: the archive route stops and its batches are finished (not those that must end where a previous owner
     * ended them), the consumer commits what it can and closes, the upload route sends what was committed.
     */
    void terminate() {
        for (OpenBatch batch : new ArrayList<>(open.values())) {
            if (batch.batch.previousCut() == null) {
                complete(batch);
            }
        }
        commitLast(ledgers.partitions());
        while (uploadOne()) {
            // the upload route stops after the archive route: what was committed goes out
        }
        new ArrayList<>(ledgers.partitions()).forEach(ledgers::giveUp);
        kafka.remove(member);
        kill();
        world.rebalance();
    }

    /** Whether {@code member} is this replica's, and it answers the coordinator. */
    boolean answers(SimulatedKafka.Member member) {
        return this.member == member && (state == State.RUNNING || state == State.STUCK);
    }

    boolean inGroup() {
        return member != null && kafka.members.containsKey(member.id);
    }

    // ---- the group's callbacks

    void revoked(Collection<TopicPartition> partitions) {
        commitLast(partitions);
        partitions.forEach(this::forget);
    }

    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata committed = kafka.committed.get(partition);
            long from;
            try {
                from = ledgers.take(partition, committed, world.askedTopicId());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            world.trace(name + " takes " + partition + " at " + (committed == null ? "its start" : committed.offset())
                    + world.describeCommitted(partition)
                    + (from == ConsumerLedgers.FROM_ITS_START && committed != null ? ", reading it from its start" : ""));
            seek(partition, from, committed);
        }
    }

    /**
     * Where the consumer reads {@code partition} from after being told to read it from {@code from}: a committed
     * offset is sought with its leader epoch (by Kafka for a partition taken, by ArchivingConsumer for one read again),
     * which Kafka checks against the log (KIP-320).
     */
    private void seek(TopicPartition partition, long from, OffsetAndMetadata committed) {
        positions.put(partition, from == ConsumerLedgers.FROM_ITS_START ? -1 : committed != null
                && from == committed.offset() ? kafka.log(partition.partition()).validated(from,
                        committed.leaderEpoch()) : from);
    }

    /** The consumer finds out it is no longer a member: its partitions are lost, and it joins again. */
    void rejoinIfLost() {
        if (member != null && !inGroup()) {
            world.trace(name + " finds it lost its partitions " + ledgers.partitions());
            new ArrayList<>(ledgers.partitions()).forEach(this::forget);
            member = kafka.join(this);
            world.rebalance();
        }
    }

    private void forget(TopicPartition partition) {
        ledgers.giveUp(partition);
        positions.remove(partition);
    }

    // ---- commits

    private void commitLast(Collection<TopicPartition> partitions) {
        // Kafka's commitSync answers the commits sent before it first, in order
        while (!pending.isEmpty()) {
            world.deliver(this);
        }
        ConsumerLedgers.Commit commit = ledgers.due(partitions, true);
        if (commit != null) {
            boolean applied = kafka.commit(member.id, generation, commit.offsets());
            world.committed(this, commit, applied);
            ledgers.answered(commit, applied ? null : new CommitFailedException("refused"));
        }
    }

    /** The coordinator's answer to the oldest commit in flight: applied or not, and what the consumer is told. */
    void answer(Pending commit, boolean applied, boolean ambiguous) {
        pending.remove(commit);
        if (ledgers == null) {
            return;
        }
        ledgers.answered(commit.commit(), applied && !ambiguous ? null
                : ambiguous ? new TimeoutException("no answer in time") : new CommitFailedException("refused"));
    }

    // ---- a poll: what ArchivingConsumer.poll does, then the archive route

    void poll(int maxRecords, int failAfter) {
        rejoinIfLost();
        ConsumerLedgers.Commit commit = ledgers.due(ledgers.partitions(), false);
        if (commit != null) {
            ledgers.sent(commit);
            pending.add(new Pending(this, member.id, generation, commit));
        }
        ledgers.finishPassedReplays(partition -> positions.getOrDefault(partition, -1L)
                >= kafka.log(partition.partition()).end);
        if (ledgers.topicCheckDue()) {
            Uuid id = world.askedTopicId();
            if (id != null) {
                ledgers.topicIds(Map.of(SimulatedKafka.TOPIC, id), ledgers.pollsBefore());
            }
        }
        for (TopicPartition partition : ledgers.rewinds()) {
            long from;
            try {
                from = ledgers.restart(partition, kafka.committed.get(partition), world.askedTopicId());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            OffsetAndMetadata committed = kafka.committed.get(partition);
            world.trace(name + " reads " + partition + " again from " + (from == ConsumerLedgers.FROM_ITS_START
                    ? "its start" : from) + world.describeCommitted(partition));
            seek(partition, from, committed);
        }
        if (waitingUploads() >= world.maxWaitingUploads) {
            return;
        }
        List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>();
        java.util.Set<TopicPartition> waiting = ledgers.waitingToRetry();
        for (TopicPartition partition : new ArrayList<>(ledgers.partitions())) {
            if (waiting.contains(partition)) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> records = fetch(partition, maxRecords);
            if (!records.isEmpty() && ledgers.hold(partition, records)) {
                polled.addAll(records);
            }
        }
        if (!polled.isEmpty()) {
            route(polled, failAfter);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> fetch(TopicPartition partition, int max) {
        SimulatedKafka.Log log = kafka.log(partition.partition());
        long position = positions.get(partition);
        if (position < log.start || position > log.end) {
            position = log.start; // out of range: auto.offset.reset=earliest
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (SimulatedKafka.Produced produced : log.records.tailMap(position, true).values()) {
            if (records.size() == max) {
                break;
            }
            records.add(world.consumerRecord(produced));
            position = produced.offset() + 1;
        }
        if (records.isEmpty()) {
            position = Math.max(position, log.end);
        }
        positions.put(partition, position);
        return records;
    }

    /**
     * Kafka moves the read position of {@code partition} back, not below the committed offset, the records unchanged:
     * nothing Kafka is known to do, but nothing the ledger may be fooled by either.
     */
    void movePositionBack(TopicPartition partition, java.util.function.LongUnaryOperator random) {
        Long position = positions.get(partition);
        if (position != null) {
            OffsetAndMetadata committed = kafka.committed.get(partition);
            long lowest = Math.max(kafka.log(partition.partition()).start, committed == null ? 0 : committed.offset());
            if (position > lowest) {
                positions.put(partition, lowest + random.applyAsLong(position - lowest + 1));
            }
        }
    }

    /** The log of {@code partition} was truncated at {@code from}: a read position past it goes back there. */
    void divergedAt(TopicPartition partition, long from) {
        Long position = positions.get(partition);
        if (position != null && position > from) {
            positions.put(partition, from);
        }
    }

    long position(TopicPartition partition) {
        return positions.getOrDefault(partition, -1L);
    }

    /** What this replica is doing, for the trace. */
    String describe() {
        StringBuilder text = new StringBuilder(name + " " + state);
        if (ledgers != null) {
            ledgers.all().forEach(ledger -> text.append("; ").append(ledger).append(" ").append(ledger.lag())
                    .append(" at ").append(positions.get(ledger.partition()))
                    .append(ledger.rewind() == null ? "" : ", to read again: " + ledger.rewind()));
            text.append("; waiting to retry ").append(ledgers.waitingToRetry());
        }
        return text.toString();
    }

    Collection<TopicPartition> owned() {
        return ledgers == null ? List.of() : ledgers.partitions();
    }

    /**
     * The archive route's steps for one poll. {@code failAfter} is the step at which a step of the route throws
     * (a user's step, a bug): 0 at its top, then after that many of the steps below; negative: none does.
     */
    private void route(List<ConsumerRecord<byte[], byte[]>> records, int failAfter) {
        int steps = 0;
        List<PolledRecord> claimed = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            claimed.add(new PolledRecord(record, ledgers.ledger(new TopicPartition(record.topic(),
                    record.partition()))));
        }
        if (failAfter == steps++) {
            failed(claimed, "at its top");
            return;
        }
        List<ArchiveRecord> toBatch = new ArrayList<>();
        List<PolledRecord> toDeadLetter = new ArrayList<>();
        for (PolledRecord polled : claimed) {
            SimulatedKafka.Produced produced = world.produced(polled.record());
            ArchiveRecord record = produced.bad() ? null : archiveRecord(polled, produced);
            PartitionLedger.Filing filing = polled.ledger().filing(polled.offset(),
                    record == null ? null : record.stream());
            if (Boolean.getBoolean("simulation.filings")) {
                world.trace(polled.ledger() + " files offset " + polled.offset() + " of " + (record == null ? "no stream"
                        : record.stream()) + ": " + filing.kind() + (filing.cut() == null ? "" : " " + filing.cut()));
            }
            switch (filing.kind()) {
                case GIVEN_UP, DEAD_LETTERED_BEFORE, ARCHIVED_BEFORE -> {
                }
                case DEAD_LETTER -> toDeadLetter.add(polled);
                case REFUSED_HERE -> {
                    if (world.incarnationOf(produced).equals(polled.ledger().topicId())) {
                        world.violations.add(polled.ledger() + " offset " + polled.offset()
                                + " taken for a record a previous owner archived, when every replica rejects it");
                    }
                    // a record of the topic created again, read before the new topic id is seen: SkipArchived fails
                    // the poll until it is
                    failed(claimed, "rejecting a record its previous owner archived");
                    return;
                }
                case AGAIN -> toBatch.add(record.cutAt(filing.cut()));
                case FREE -> toBatch.add(record);
            }
        }
        for (PolledRecord polled : toDeadLetter) {
            if (failAfter == steps++) {
                failed(claimed, "while dead-lettering");
                return;
            }
            kafka.deadLetters.add(new SimulatedKafka.DeadLetter(world.produced(polled.record())));
            polled.ledger().deadLettered(polled.offset());
        }
        Map<String, List<ArchiveRecord>> byBatch = new LinkedHashMap<>();
        toBatch.forEach(record -> byBatch.computeIfAbsent(record.batchKey(), key -> new ArrayList<>()).add(record));
        for (Map.Entry<String, List<ArchiveRecord>> group : byBatch.entrySet()) {
            List<ArchiveRecord> left = group.getValue();
            while (!left.isEmpty()) {
                if (failAfter == steps++) {
                    failed(claimed, "while batching");
                    return;
                }
                int size = Math.min(left.size(), roomIn(group.getKey()));
                aggregate(group.getKey(), left.subList(0, size));
                left = left.subList(size, left.size());
            }
        }
        Map<PartitionLedger, long[]> ranges = new IdentityHashMap<>();
        for (PolledRecord polled : claimed) {
            long[] range = ranges.computeIfAbsent(polled.ledger(), l -> new long[] {polled.offset(), polled.offset()});
            range[1] = polled.offset();
        }
        ranges.forEach((ledger, range) -> ledger.released(range[0], range[1]));
    }

    /** A step of the route threw: camel-kafka hands the poll to {@link PollFailures}. */
    private void failed(List<PolledRecord> claimed, String where) {
        world.trace(name + " route failed " + where + " for a poll of " + claimed.size());
        Map<PartitionLedger, Long> firsts = new IdentityHashMap<>();
        claimed.forEach(polled -> firsts.putIfAbsent(polled.ledger(), polled.offset()));
        firsts.forEach((ledger, first) -> ledger.failed(first, "a step of the route failed " + where));
    }

    private ArchiveRecord archiveRecord(PolledRecord polled, SimulatedKafka.Produced produced) {
        byte[] datum = LedgerSimulation.datum(produced.uid());
        return new ArchiveRecord(polled.record(), produced.day(), new DecodedEvent(produced.schemaId(),
                LedgerSimulation.SCHEMA, null, datum, 0, datum.length), polled.ledger(), null);
    }

    // ---- the aggregator and DayBatches

    private int roomIn(String key) {
        OpenBatch batch = open.get(key);
        if (ArchiveRecord.isCutAgain(key)) {
            return Integer.MAX_VALUE;
        }
        return batch == null || batch.batch.size() >= world.flushSize ? world.flushSize
                : world.flushSize - batch.batch.size();
    }

    private void aggregate(String key, List<ArchiveRecord> slice) {
        if (!open.containsKey(key) && open.size() >= world.maxOpenBatches) {
            oldestCuttable().ifPresent(this::complete);
        }
        OpenBatch batch = open.get(key);
        List<ArchiveRecord> rest = slice;
        if (batch == null) {
            ArchiveRecord first = slice.get(0);
            batch = new OpenBatch(new ArchiveBatch(first, world.nanoTime()));
            open.put(key, batch);
            first.ledger().opened(first.offset(), first.previousCut());
            rest = slice.subList(1, slice.size());
        }
        rest.forEach(batch.batch::add);
        PartitionLedger.Cut previous = batch.batch.previousCut();
        boolean atItsEnd = previous != null && batch.batch.lastOffset() == previous.end();
        if (atItsEnd || previous == null && batch.batch.size() >= world.flushSize) {
            complete(batch);
        }
    }

    private Optional<OpenBatch> oldestCuttable() {
        return open.values().stream().filter(batch -> batch.batch.previousCut() == null).findFirst();
    }

    /** The quiet period, the maximum age or a stop finishes a batch (never one that must end at a previous cut). */
    boolean cutByTime(int pick) {
        List<OpenBatch> cuttable = open.values().stream().filter(batch -> batch.batch.previousCut() == null).toList();
        if (cuttable.isEmpty()) {
            return false;
        }
        complete(cuttable.get(pick % cuttable.size()));
        return true;
    }

    int openBatches() {
        return open.size();
    }

    private void complete(OpenBatch batch) {
        open.remove(batch.batch.key());
        ArchiveBatch b = batch.batch;
        PartitionLedger.Cut cut = b.ledger().finished(b.stream(), b.firstOffset(), b.lastOffset(), b.previousCut(),
                batch.endPassed);
        if (cut != null) {
            uploads.add(new Upload(b, cut, b.ledger().mayUpload(cut)));
        } else {
            world.trace(name + " does not upload " + b);
        }
    }

    @Override
    public int waitingUploads() {
        return uploads.size();
    }

    @Override
    public void drop(PartitionLedger partition) {
        open.values().removeIf(batch -> batch.batch.ledger() == partition);
    }

    @Override
    public void finish(Collection<PartitionLedger.Cut> cuts) {
        for (OpenBatch batch : new ArrayList<>(open.values())) {
            if (cuts.contains(batch.batch.previousCut())) {
                batch.endPassed = true;
                complete(batch);
            }
        }
    }

    // ---- the upload route

    /** Uploads one finished batch whose commit has been answered; false if none is ready. */
    boolean uploadOne() {
        Iterator<Upload> ready = uploads.iterator();
        while (ready.hasNext()) {
            Upload upload = ready.next();
            if (upload.mayUpload().toCompletableFuture().isDone()) {
                ready.remove();
                if (upload.mayUpload().toCompletableFuture().join()) {
                    upload(upload);
                } else {
                    world.trace(name + " drops " + upload.batch() + ": its partition was given up before its commit"
                            + " and topic check");
                }
                return true;
            }
        }
        return false;
    }

    private void upload(Upload upload) {
        ArchiveBatch batch = upload.batch();
        ArchiveKey key = ArchiveKey.of("topics", batch.topic(), batch.day(), batch.partition(), batch.keyOffset());
        try {
            byte[] file = world.writer.write(batch, key);
            if (!world.bucket.putIfAbsent(key.toString(), file, AvroBatchWriter.objectMetadata(batch))) {
                ExistingArchiveFile.Settled settled = world.settler.settle(batch, key);
                world.trace(name + " settled " + key + " -> " + settled.key());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        batch.ledger().uploaded(batch.firstOffset(), upload.cut());
        world.trace(name + " uploaded " + key + ": " + batch);
    }

    // ---- ConsumerWatch

    @Override
    public void stuck(TopicPartition partition, String why) {
        world.trace(name + ": " + partition + " is stuck: " + why);
    }
}
