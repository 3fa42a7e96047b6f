package com.prism.lts.commit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import com.prism.lts.config.Backoff;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one consumer decides about its partitions, without a Kafka client: their {@link PartitionLedger}s, what to
 * commit and when, what a commit's answer means, where to read a partition from when it comes, and when to read it
 * again. {@link ArchivingConsumer} carries these decisions out with a real consumer; the ledger simulation (in the
 * tests) with a simulated group, log and bucket. Every method is called on the consumer's thread.
 */
final class ConsumerLedgers {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLedgers.class);
    /** How long a commit may be in flight before another is sent anyway. */
    static final long COMMIT_TIMEOUT_NANOS = 30_000_000_000L;
    /** Where a partition is read from the start of its log ({@link #take}, {@link #restart}). */
    static final long FROM_ITS_START = -1;
    /**
     * The least time between two commits made for cuts waiting for one: each commit is a write to the group
     * coordinator's log, and under load one every poll costs the broker more than the wait costs the batches.
     */
    private static final long CUT_COMMIT_SPACING_NANOS = 50_000_000L;
    /** How often topic ids are asked for ({@link #topicCheckDue}): a describe request to a broker each time. */
    private static final long TOPIC_CHECK_NANOS = 1_000_000_000L;
    private static final long WARN_EVERY_NANOS = 30_000_000_000L;
    /** How many failures in a row for the same records make a partition stuck: a glitch passes before that. */
    static final int STUCK_AFTER = 3;

    /**
     * What one commit carries at most: the group coordinator writes a commit's offsets as one batch of records, and
     * the broker refuses a batch over {@code message.max.bytes} (1 MiB by default) with an unknown server error, every
     * time it is tried again (measured: 1,000 partitions with 1,000 characters of state each). Half of it, less the
     * last state added (inline up to Kafka's {@code offset.metadata.max.bytes}, 4096): the rest go in the next commit.
     */
    static final int COMMIT_BYTES = 512 * 1024;
    /** What an offset adds to the coordinator's batch beside its metadata: its record's key and the value's fields. */
    static final int BYTES_PER_OFFSET = 128;

    private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();
    private final CommitMetadata metadata;
    private final OpenBatches batches;
    private final ConsumerWatch watch;
    private final ToIntFunction<String> settingsHash;
    private final long commitIntervalNanos;
    private final Backoff retry;
    private final LongSupplier nanoTime;
    private final IntSupplier epochs;
    /** Per partition, the commit state objects written for commits not yet known to be replaced, oldest first. */
    private final Map<TopicPartition, List<String>> stateObjects = new HashMap<>();
    private final Map<TopicPartition, Retry> retries = new HashMap<>();
    /**
     * Partitions read again from below their committed offset because their records there changed (a log truncated
     * by an unclean leader election): until a commit of their own replaces that committed offset, reading them again
     * for any other reason must start there too, or the new records below it would be committed past unread.
     */
    private final Map<TopicPartition, Changed> changed = new HashMap<>();
    /** Where the next commit starts among the partitions, so that none waits behind the others' budget for long. */
    private int nextFirst;
    private long nextCommitNanos;
    private long nextCutCommitNanos;
    private long lastTopicCheckNanos;
    /** Whether a commit was sent since the topics' ids were last asked for. */
    private boolean committedSinceTopicCheck;
    private long commitInFlightSince = -1;
    private long nextCommitWarningNanos;
    private int commitFailuresNotLogged;

    /** @param settingsHash what decides how the records of a topic are filed, each topic's own */
    ConsumerLedgers(CommitMetadata metadata, OpenBatches batches, ConsumerWatch watch,
            ToIntFunction<String> settingsHash, long commitIntervalNanos, Backoff retry, LongSupplier nanoTime,
            IntSupplier epochs) {
        this.metadata = metadata;
        this.batches = batches;
        this.watch = watch;
        this.settingsHash = settingsHash;
        this.commitIntervalNanos = commitIntervalNanos;
        this.retry = retry;
        this.nanoTime = nanoTime;
        this.epochs = epochs;
        this.nextCommitNanos = nanoTime.getAsLong();
        this.lastTopicCheckNanos = nextCommitNanos - TOPIC_CHECK_NANOS;
        this.nextCutCommitNanos = nextCommitNanos;
        this.nextCommitWarningNanos = nextCommitNanos;
    }

    /** A commit to send: each partition's offset with its metadata, and the ledger snapshot it carries. */
    record Commit(Map<TopicPartition, OffsetAndMetadata> offsets,
            Map<TopicPartition, PartitionLedger.Snapshot> snapshots) {
    }

    /** {@code partition}'s records changed from offset {@code from} on, below {@code committed}. */
    private record Changed(long from, OffsetAndMetadata committed) {
    }

    /** A partition read again after its route failed: how often in a row, and not before when. */
    private record Retry(long offset, int attempts, long notBeforeNanos) {
    }

    PartitionLedger ledger(TopicPartition partition) {
        PartitionLedger ledger = ledgers.get(partition);
        if (ledger == null) {
            throw new IllegalStateException(partition + " is not assigned to this consumer");
        }
        return ledger;
    }

    Collection<PartitionLedger> all() {
        return ledgers.values();
    }

    Collection<TopicPartition> partitions() {
        return ledgers.keySet();
    }

    /** Whether a commit sent asynchronously has not been answered yet (and is not overdue). */
    boolean commitInFlight() {
        return commitInFlightSince >= 0 && nanoTime.getAsLong() - commitInFlightSince < COMMIT_TIMEOUT_NANOS;
    }

    // ---- commits

    /**
     * What to commit now for {@code partitions}, null if nothing. While consuming ({@code last} false) one commit is
     * in flight at a time, and it is sent when cuts wait for one or the commit interval has passed; {@code last}
     * (partitions going, the consumer closing) commits what moved at once. A state that cannot be written is left
     * for the next commit, and so are the partitions past {@link #COMMIT_BYTES}: the next commit starts with them, at
     * once rather than an interval later.
     */
    Commit due(Collection<TopicPartition> partitions, boolean last) {
        if (!last && commitInFlight()) {
            return null;
        }
        long now = nanoTime.getAsLong();
        boolean interval = last || now - nextCommitNanos >= 0;
        if (!interval && now - nextCutCommitNanos < 0) {
            return null;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, PartitionLedger.Snapshot> snapshots = new HashMap<>();
        List<TopicPartition> order = new ArrayList<>(partitions);
        Collections.rotate(order, order.isEmpty() ? 0 : -(nextFirst % order.size()));
        int bytes = 0;
        int considered = 0;
        for (TopicPartition partition : order) {
            if (bytes >= COMMIT_BYTES) {
                break;
            }
            considered++;
            PartitionLedger ledger = ledgers.get(partition);
            PartitionLedger.Snapshot snapshot = ledger == null ? null : ledger.due(interval);
            if (snapshot == null) {
                continue;
            }
            try {
                String text = metadata.write(partition, snapshot.offset(), snapshot.state());
                CommitMetadata.objectOf(text).ifPresent(key ->
                        stateObjects.computeIfAbsent(partition, p -> new ArrayList<>()).add(key));
                offsets.put(partition, new OffsetAndMetadata(snapshot.offset(),
                        Optional.ofNullable(snapshot.leaderEpoch()), text));
                snapshots.put(partition, snapshot);
                bytes += text.length() + BYTES_PER_OFFSET;
            } catch (RuntimeException e) {
                LOG.warn("Could not write the commit state of {} to S3; will try again: {}", partition,
                        e.getMessage());
            }
        }
        nextFirst += considered;
        if (offsets.isEmpty()) {
            return null;
        }
        if (interval && considered == order.size()) {
            nextCommitNanos = now + commitIntervalNanos;
        }
        nextCutCommitNanos = now + CUT_COMMIT_SPACING_NANOS;
        return new Commit(offsets, snapshots);
    }

    /** {@code commit} was sent asynchronously: no other is sent until it is answered. */
    void sent(Commit commit) {
        commitInFlightSince = nanoTime.getAsLong();
        committedSinceTopicCheck = true;
    }

    /**
     * The answer to {@code commit}: {@code failure} null when it succeeded. A state object is deleted only once a
     * later commit of its partition, which does not name it, is known to have succeeded, or once the broker refused
     * the commit that named it for certain: a commit that timed out or lost its connection may have been applied,
     * and the object it names may be what the partition's next owner reads.
     */
    void answered(Commit commit, Exception failure) {
        commitInFlightSince = -1;
        Map<TopicPartition, OffsetAndMetadata> offsets = commit.offsets();
        if (failure == null) {
            int inS3 = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> offset : offsets.entrySet()) {
                commit.snapshots().get(offset.getKey()).ledger().committed(commit.snapshots().get(offset.getKey()));
                changed.remove(offset.getKey());
                String object = CommitMetadata.objectOf(offset.getValue().metadata()).orElse(null);
                replaced(offset.getKey(), object);
                inS3 += object == null ? 0 : 1;
            }
            watch.committed(offsets.size(), inS3);
            LOG.debug("Committed {}", offsets);
            return;
        }
        if (refusedForCertain(failure)) {
            offsets.forEach((partition, offset) -> CommitMetadata.objectOf(offset.metadata()).ifPresent(key -> {
                metadata.forget(key);
                List<String> written = stateObjects.get(partition);
                if (written != null) {
                    written.remove(key);
                }
            }));
        }
        if (failure instanceof OffsetMetadataTooLarge) {
            metadata.refusedAsTooLarge();
        }
        if (failure instanceof RebalanceInProgressException) {
            LOG.debug("Commit of {} waits for the rebalance in progress", describe(offsets));
        } else if (nanoTime.getAsLong() - nextCommitWarningNanos < 0) {
            commitFailuresNotLogged++;
        } else {
            LOG.warn("Could not commit {}; will try again{}: {}", describe(offsets), commitFailuresNotLogged == 0 ? ""
                    : " (" + commitFailuresNotLogged + " more failures since the last such message)",
                    failure.getMessage());
            commitFailuresNotLogged = 0;
            nextCommitWarningNanos = nanoTime.getAsLong() + WARN_EVERY_NANOS;
        }
    }

    /** {@code current} (null: inline) is what {@code partition}'s committed offset names now: older objects go. */
    private void replaced(TopicPartition partition, String current) {
        List<String> written = stateObjects.get(partition);
        if (written == null) {
            return;
        }
        int upTo = current == null ? written.size() : written.indexOf(current);
        for (String older : new ArrayList<>(written.subList(0, Math.max(upTo, 0)))) {
            metadata.forget(older);
            written.remove(older);
        }
    }

    /** Whether the broker certainly did not apply a commit that failed with {@code failure}. */
    private static boolean refusedForCertain(Exception failure) {
        return failure instanceof CommitFailedException || failure instanceof RebalanceInProgressException
                || failure instanceof OffsetMetadataTooLarge || failure instanceof FencedInstanceIdException
                || (failure instanceof ApiException && !(failure instanceof RetriableException));
    }

    // ---- polls

    /**
     * The records of one poll of {@code partition}: false when they must not be routed, because Kafka moved the read
     * position back and the partition is read again ({@link #rewinds}).
     */
    boolean hold(TopicPartition partition, List<? extends ConsumerRecord<?, ?>> records) {
        PartitionLedger ledger = ledger(partition);
        boolean held = ledger.hold(records);
        Retry retried = retries.get(partition);
        if (held && retried != null && !records.isEmpty()
                && records.get(records.size() - 1).offset() > retried.offset()) {
            retries.remove(partition);
            watch.movedOn(partition);
        }
        return held;
    }

    /**
     * Finishes the batches that gather a previous owner's file again whose end will not come: read past, or beyond
     * the end of a partition that {@code caughtUp} says the consumer has read to its end.
     */
    void finishPassedReplays(Predicate<TopicPartition> caughtUp) {
        ledgers.forEach((partition, ledger) -> {
            List<PartitionLedger.Cut> passed = ledger.passedReplays(caughtUp.test(partition));
            if (!passed.isEmpty()) {
                batches.finish(passed);
            }
        });
    }

    /**
     * The partitions that must be read again from their committed offsets, with a new ledger. None while a commit is
     * in flight: it may carry a state of the ledgers given up, and the offsets read for the new ones must include it,
     * or it would land after them and replace what they commit with what their predecessors knew.
     */
    List<TopicPartition> rewinds() {
        if (commitInFlight()) {
            return List.of();
        }
        List<TopicPartition> rewinds = new ArrayList<>();
        ledgers.forEach((partition, ledger) -> {
            if (ledger.rewind() != null) {
                rewinds.add(partition);
            }
        });
        return rewinds;
    }

    /** The partitions whose route failed, which are not read again before their pause is over. */
    Set<TopicPartition> waitingToRetry() {
        Set<TopicPartition> waiting = new HashSet<>();
        long now = nanoTime.getAsLong();
        retries.forEach((partition, retried) -> {
            if (now - retried.notBeforeNanos() < 0) {
                waiting.add(partition);
            }
        });
        return waiting;
    }

    /** How many times in a row the route failed for a partition's records (0 if it did not). */
    int failures(TopicPartition partition) {
        Retry retried = retries.get(partition);
        return retried == null ? 0 : retried.attempts();
    }

    // ---- partitions coming and going

    /**
     * {@code partition} of topic incarnation {@code topicId} (null if unknown) is this consumer's now, committed at
     * {@code committed} (null if never): its ledger starts from the state committed with it. Returns where to read
     * it from: the committed offset (where the consumer reads from by itself), or {@link #FROM_ITS_START} when the
     * committed offset belongs to another incarnation of the topic.
     */
    long take(TopicPartition partition, OffsetAndMetadata committed, Uuid topicId) throws InterruptedException {
        return start(partition, committed, topicId, null);
    }

    /**
     * Reads {@code partition} again with a new ledger, committed at {@code committed} (null if never), because its
     * ledger was given up ({@link #rewinds}). Returns the offset to read it from: the committed offset; where Kafka
     * moved the read position back to, if that is below it; or {@link #FROM_ITS_START}.
     */
    long restart(TopicPartition partition, OffsetAndMetadata committed, Uuid topicId) throws InterruptedException {
        PartitionLedger old = ledger(partition);
        PartitionLedger.Rewind rewind = old.rewind();
        if (rewind.kind() == PartitionLedger.Rewind.Kind.FAILED) {
            Retry before = retries.get(partition);
            int attempts = before == null ? 1 : before.attempts() + 1;
            long delay = retry.delay(attempts);
            retries.put(partition, new Retry(Math.max(rewind.offset(), old.lag().next() - 1), attempts,
                    nanoTime.getAsLong() + delay * 1_000_000));
            LOG.warn("{} is read again from its committed offset in {} ms (attempt {}); nothing past it is committed"
                    + " meanwhile", partition, delay, attempts);
            if (attempts >= STUCK_AFTER) {
                watch.stuck(partition, "the archive route failed " + attempts + " times in a row for the same records ("
                        + rewind.why() + "); it keeps reading them again, every " + retry.maxDelayMs() / 1000
                        + " s at most");
            }
        } else {
            LOG.warn("{}: {}", partition, rewind.why());
        }
        return start(partition, committed, topicId, rewind);
    }

    private long start(TopicPartition partition, OffsetAndMetadata committed, Uuid topicId,
            PartitionLedger.Rewind rewind) throws InterruptedException {
        int settingsHash = this.settingsHash.applyAsInt(partition.topic());
        CommitState state = metadata.read(partition, committed, settingsHash, topicId);
        metadata.sweep(partition, committed);
        long offset = committed == null ? -1 : committed.offset();
        long readFrom = offset;
        String from = committed == null ? "from its start" : "from offset " + offset;
        boolean otherTopic = state.topicId() != null && topicId != null && !state.topicId().equals(topicId);
        long changedFrom = changedFrom(partition, committed, rewind);
        if (otherTopic || rewind != null && rewind.kind() == PartitionLedger.Rewind.Kind.RECREATED) {
            if (otherTopic) {
                LOG.warn("{} was committed at {} for another topic of the same name (id {}, now {}): the topic was"
                        + " deleted and created again, so it is read from its start", partition, offset,
                        state.topicId(), topicId);
            }
            state = CommitState.empty(settingsHash, topicId);
            offset = -1;
            readFrom = FROM_ITS_START;
            from = "from its start (a new topic of the same name)";
        } else if (changedFrom < offset) {
            // the records from there on changed under the committed offset (a truncated log): read them as new
            changed.put(partition, new Changed(changedFrom, committed));
            state = CommitState.empty(settingsHash, topicId);
            offset = -1;
            readFrom = changedFrom;
            from = "from offset " + readFrom + " (below its committed offset: its records there changed)";
        } else if (rewind != null && committed == null) {
            readFrom = FROM_ITS_START;
        }
        PartitionLedger ledger = new PartitionLedger(partition, epochs.getAsInt(), settingsHash, topicId, offset,
                offset >= 0 && committed != null ? committed.leaderEpoch().orElse(null) : null, state);
        PartitionLedger previous = ledgers.put(partition, ledger);
        if (previous != null) {
            retire(previous);
        }
        watch.owned(ledger);
        if (topicId == null) {
            LOG.warn("The id of {}'s topic could not be read: it is read, but nothing is committed or uploaded for it"
                    + " until it can be", partition);
        }
        int files = state.cuts().values().stream().mapToInt(List::size).sum();
        LOG.info("{} {} {}{}", rewind == null ? "Partition assigned:" : "Reading again", partition, from,
                files > 0 || !state.deadLettered().isEmpty() ? " (" + files + " files and "
                        + state.deadLettered().size() + " dead letters of its previous owner above it)" : "");
        return readFrom;
    }

    /**
     * The lowest offset from which {@code partition}'s records are known to have changed below {@code committed}:
     * where Kafka moved the read position back to after a log truncation ({@code rewind}), or where an earlier ledger
     * of this consumer found them changed, while no commit has replaced {@code committed} since. Long.MAX_VALUE if
     * neither.
     */
    private long changedFrom(TopicPartition partition, OffsetAndMetadata committed, PartitionLedger.Rewind rewind) {
        long from = Long.MAX_VALUE;
        Changed before = changed.remove(partition);
        if (before != null && Objects.equals(before.committed(), committed)) {
            from = before.from();
        }
        if (rewind != null && rewind.kind() == PartitionLedger.Rewind.Kind.MOVED_BACK) {
            from = Math.min(from, rewind.offset());
        }
        return from;
    }

    /** {@code partition} is no longer this consumer's: its cuts not yet committed are abandoned. */
    void giveUp(TopicPartition partition) {
        PartitionLedger ledger = ledgers.remove(partition);
        // its next owner's consumer validates the committed offset's leader epoch, and finds the truncation itself
        changed.remove(partition);
        stateObjects.remove(partition);
        if (retries.remove(partition) != null) {
            watch.movedOn(partition);
        }
        if (ledger != null) {
            retire(ledger);
        }
    }

    /**
     * The polls each ledger held so far, taken as a request for the topics' ids is sent ({@link #topicIds}), in the
     * order of the partitions: ledgers hash by identity, and the order in which they are told decides which partition
     * is read again first, which a seeded simulation must replay alike.
     */
    Map<PartitionLedger, Long> pollsBefore() {
        Map<PartitionLedger, Long> polls = new LinkedHashMap<>();
        ledgers.values().forEach(ledger -> polls.put(ledger, ledger.polls()));
        return polls;
    }

    /**
     * The cluster answered {@code ids} to a request sent when the ledgers had held {@code pollsBefore} polls. Of the
     * ledgers still in use, those started for another incarnation of a topic (deleted and created again under the same
     * name while this consumer read it) are given up, and their partitions read from their start; those started while
     * the id could not be read are given up and read again from their committed offsets ({@link #rewinds}); the others'
     * records of those polls are known to be of their topic.
     */
    void topicIds(Map<String, Uuid> ids, Map<PartitionLedger, Long> pollsBefore) {
        pollsBefore.forEach((ledger, polls) -> {
            Uuid topicId = ids.get(ledger.partition().topic());
            if (topicId == null || ledgers.get(ledger.partition()) != ledger) {
                return;
            }
            if (ledger.topicId() == null) {
                ledger.topicIdFound(topicId);
            } else if (ledger.topicId().equals(topicId)) {
                ledger.topicChecked(polls);
            } else {
                ledger.recreated(topicId);
            }
        });
    }

    /**
     * Whether to ask the cluster for the topics' ids ({@link #topicIds}) now: about once a second, and while a finished
     * file waits for it ({@link PartitionLedger#sameTopic}), beside each commit sent (the file waits for the commit
     * carrying its cut too, so the two requests travel together), or {@link #CUT_COMMIT_SPACING_NANOS} after the last
     * when no commit is (a previous owner's file gathered again, whose cut was committed before). The requests cost
     * little (0.9 % of the CPU in a profile of the benchmark); a file's wait for one sent after its commit costs more.
     */
    boolean topicCheckDue() {
        long now = nanoTime.getAsLong();
        long since = now - lastTopicCheckNanos;
        boolean awaited = (committedSinceTopicCheck || since >= CUT_COMMIT_SPACING_NANOS) && awaitingTopicCheck();
        if (ledgers.isEmpty() || since < TOPIC_CHECK_NANOS && !awaited) {
            return false;
        }
        lastTopicCheckNanos = now;
        committedSinceTopicCheck = false;
        return true;
    }

    /** Whether a finished file waits for the topics' ids to be checked. */
    boolean awaitingTopicCheck() {
        return ledgers.values().stream().anyMatch(PartitionLedger::awaitingTopicCheck);
    }

    private void retire(PartitionLedger ledger) {
        ledger.retire();
        batches.drop(ledger);
        watch.released(ledger);
    }

    static String describe(Map<TopicPartition, OffsetAndMetadata> offsets) {
        StringBuilder text = new StringBuilder();
        offsets.forEach((partition, offset) -> text.append(text.isEmpty() ? "" : ", ").append(partition)
                .append(" at ").append(offset.offset()));
        return text.toString();
    }
}
