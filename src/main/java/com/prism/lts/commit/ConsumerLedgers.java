package com.prism.lts.commit;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one consumer decides about its partitions, without a Kafka client: their {@link PartitionLedger}s, what to
 * commit and when, what a commit's outcome means, and what becomes of a partition that comes or goes.
 * {@link ArchivingConsumer} carries these decisions out with a real consumer; the ledger simulation (in the tests)
 * with a simulated group, log and bucket. Every method is called on the consumer's thread.
 */
final class ConsumerLedgers {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLedgers.class);
    /** How long a commit may be in flight before another is sent anyway. */
    static final long COMMIT_TIMEOUT_NANOS = 30_000_000_000L;
    /**
     * The least time between two commits made for cuts waiting for one: each commit is a write to the group
     * coordinator's log, and under load one every poll costs the broker more than the wait costs the batches.
     */
    private static final long CUT_COMMIT_SPACING_NANOS = 50_000_000L;
    private static final long WARN_EVERY_NANOS = 30_000_000_000L;

    private final Map<TopicPartition, PartitionLedger> ledgers = new ConcurrentHashMap<>();
    private final Map<TopicPartition, String> committedMetadata = new HashMap<>();
    private final CommitMetadata metadata;
    private final OpenBatches batches;
    private final ConsumerWatch watch;
    private final int settingsHash;
    private final long commitIntervalNanos;
    private final LongSupplier nanoTime;
    private final IntSupplier epochs;
    private long nextCommitNanos;
    private long nextCutCommitNanos;
    private long commitInFlightSince = -1;
    private long nextCommitWarningNanos;
    private int commitFailuresNotLogged;

    ConsumerLedgers(CommitMetadata metadata, OpenBatches batches, ConsumerWatch watch, int settingsHash,
            long commitIntervalNanos, LongSupplier nanoTime, IntSupplier epochs) {
        this.metadata = metadata;
        this.batches = batches;
        this.watch = watch;
        this.settingsHash = settingsHash;
        this.commitIntervalNanos = commitIntervalNanos;
        this.nanoTime = nanoTime;
        this.epochs = epochs;
        this.nextCommitNanos = nanoTime.getAsLong();
        this.nextCutCommitNanos = nextCommitNanos;
        this.nextCommitWarningNanos = nextCommitNanos;
    }

    /** A commit to send: each partition's offset with its metadata, and the ledger snapshot it carries. */
    record Commit(Map<TopicPartition, OffsetAndMetadata> offsets,
            Map<TopicPartition, PartitionLedger.Snapshot> snapshots) {
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

    /**
     * What to commit now for {@code partitions}, null if nothing. While consuming ({@code last} false) one commit is
     * in flight at a time, and it is sent when cuts wait for one or the commit interval has passed; {@code last}
     * (partitions going, the consumer closing) commits what moved at once. A state that cannot be written is left
     * for the next commit.
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
        for (TopicPartition partition : partitions) {
            PartitionLedger ledger = ledgers.get(partition);
            PartitionLedger.Snapshot snapshot = ledger == null ? null : ledger.due(interval);
            if (snapshot == null) {
                continue;
            }
            try {
                offsets.put(partition, new OffsetAndMetadata(snapshot.offset(),
                        metadata.write(partition, snapshot.offset(), snapshot.state())));
                snapshots.put(partition, snapshot);
            } catch (RuntimeException e) {
                LOG.warn("Could not write the commit state of {} to S3; will try again: {}", partition,
                        e.getMessage());
            }
        }
        if (offsets.isEmpty()) {
            return null;
        }
        if (interval) {
            nextCommitNanos = now + commitIntervalNanos;
        }
        nextCutCommitNanos = now + CUT_COMMIT_SPACING_NANOS;
        return new Commit(offsets, snapshots);
    }

    /** {@code commit} was sent asynchronously: no other is sent until it is answered. */
    void sent(Commit commit) {
        commitInFlightSince = nanoTime.getAsLong();
    }

    /** The answer to {@code commit}: {@code failure} null when it succeeded. */
    void answered(Commit commit, Exception failure) {
        commitInFlightSince = -1;
        Map<TopicPartition, OffsetAndMetadata> offsets = commit.offsets();
        if (failure == null) {
            offsets.forEach((partition, offset) -> {
                commit.snapshots().get(partition).ledger().committed(commit.snapshots().get(partition));
                String previous = committedMetadata.put(partition, offset.metadata());
                if (!offset.metadata().equals(previous)) {
                    metadata.forget(previous);
                }
            });
            LOG.debug("Committed {}", offsets);
            return;
        }
        offsets.values().forEach(offset -> metadata.forget(offset.metadata()));
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

    /** The records of one poll of {@code partition}. */
    void hold(TopicPartition partition, List<? extends ConsumerRecord<?, ?>> records) {
        ledger(partition).hold(records);
    }

    /** Finishes the batches cut again where a previous owner cut them, whose end has been read past. */
    void finishPassedReplays() {
        ledgers.values().forEach(ledger -> {
            List<PartitionLedger.Cut> passed = ledger.passedReplays();
            if (!passed.isEmpty()) {
                batches.finish(passed);
            }
        });
    }

    /**
     * {@code partition} is this consumer's now, committed at {@code committed} (null if never): its ledger starts
     * from the state committed with it. Returns a line for the log.
     */
    String take(TopicPartition partition, OffsetAndMetadata committed) throws InterruptedException {
        CommitState state = metadata.read(partition, committed, settingsHash);
        PartitionLedger ledger = new PartitionLedger(partition, epochs.getAsInt(), settingsHash,
                committed == null ? -1 : committed.offset(), state);
        PartitionLedger previous = ledgers.put(partition, ledger);
        if (previous != null) {
            retire(previous);
        }
        if (committed != null) {
            committedMetadata.put(partition, committed.metadata());
        }
        watch.owned(ledger);
        StringBuilder line = new StringBuilder(partition.toString())
                .append(committed == null ? " from its start" : " from offset " + committed.offset());
        int files = state.cuts().values().stream().mapToInt(List::size).sum();
        if (files > 0 || !state.deadLettered().isEmpty()) {
            line.append(" (").append(files).append(" files and ").append(state.deadLettered().size())
                    .append(" dead letters of its previous owner above it)");
        }
        return line.toString();
    }

    /** {@code partition} is no longer this consumer's: its cuts not yet committed are abandoned. */
    void giveUp(TopicPartition partition) {
        PartitionLedger ledger = ledgers.remove(partition);
        committedMetadata.remove(partition);
        if (ledger != null) {
            retire(ledger);
        }
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
