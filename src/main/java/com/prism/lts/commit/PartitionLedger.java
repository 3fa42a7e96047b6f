package com.prism.lts.commit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition, for one assignment of it to one consumer: which of its records are safe, where its files end, and
 * what the offset to commit is.
 * <p>
 * <b>The offset to commit</b> is the lowest offset not yet safe: every record below it is in S3 or in the dead-letter
 * topic. The records of a poll are held until the route has dealt with all of them; a record that opens a batch holds
 * the batch's first offset until the batch is uploaded. A poll whose route failed stays held (its partition's commits
 * stop at it) until a restart reads it again.
 * <p>
 * <b>Cuts.</b> When a batch is finished, its end is recorded as a cut. A batch is uploaded only after a commit that
 * carries its cut has succeeded ({@link Cut#committed}): a consumer that has lost the partition cannot commit, so
 * it never uploads a file that the partition's next owner would cut differently. Every commit carries the cuts at or
 * above the committed offset ({@link CommitState}), so the next owner skips the files known to be in S3 and cuts the
 * others again exactly where they were cut: both write the same file under the same key.
 * <p>
 * Methods are called by the consumer's thread (polling, routing, committing), by the aggregator's timeout thread
 * (cuts) and by upload threads (uploads); they synchronize on this ledger.
 */
public final class PartitionLedger {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLedger.class);

    private final TopicPartition partition;
    private final int epoch;
    private final int settingsHash;
    private long committed;

    /** The first and last offsets of each poll the route has not dealt with yet, in offset order. */
    private final ArrayDeque<long[]> held = new ArrayDeque<>();
    private long next = -1;
    private long lastRouted = -1;
    private final TreeSet<Long> stuck = new TreeSet<>();
    private final TreeSet<Long> batchStarts = new TreeSet<>();

    private final Map<StreamKey, Stream> streams = new HashMap<>();
    private int replaying;
    private final List<Cut> openReplays = new ArrayList<>();
    private final TreeSet<Long> deadLettered = new TreeSet<>();
    private final Set<Long> deadLetteredBefore = new HashSet<>();

    private final ArrayDeque<Cut> uncommitted = new ArrayDeque<>();
    private long cutSequence;
    private long version;
    private long committedVersion;
    /** Read without the lock by the route for each record: it only ever turns true. */
    private volatile boolean retired;

    /**
     * @param committed the partition's committed offset when it was assigned, -1 if it has none
     * @param previous  the state committed with that offset by the partition's previous owner
     */
    public PartitionLedger(TopicPartition partition, int epoch, int settingsHash, long committed,
            CommitState previous) {
        this.partition = partition;
        this.epoch = epoch;
        this.settingsHash = settingsHash;
        this.committed = committed;
        previous.cuts().forEach((key, cuts) -> {
            Stream stream = stream(key);
            for (CommitState.Cut recorded : cuts) {
                Cut cut = new Cut(key, recorded.end(), recorded.done() ? Status.DONE : Status.COMMITTED, true);
                stream.cuts.put(cut.end, cut);
                stream.replay.add(cut);
                replaying++;
            }
        });
        deadLettered.addAll(previous.deadLettered());
        deadLetteredBefore.addAll(previous.deadLettered());
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Tells assignments of the same partition apart: records read again after a rebalance get a new epoch. */
    public int epoch() {
        return epoch;
    }

    /** The records of one poll: held until the route has dealt with each of them. */
    synchronized void hold(List<? extends ConsumerRecord<?, ?>> records) {
        if (retired || records.isEmpty()) {
            return;
        }
        long last = records.get(records.size() - 1).offset();
        held.addLast(new long[] {records.get(0).offset(), last});
        next = last + 1;
    }

    /**
     * The route has dealt with every record of this partition from {@code first} to {@code last}: each is in a batch
     * (whose first record {@link #opened} holds it), in S3 or in the dead-letter topic, or was left out because it is
     * already. The route deals with polls in offset order, so records still held below {@code first} failed on their
     * way.
     */
    public synchronized void released(long first, long last) {
        long[] poll;
        while ((poll = held.peekFirst()) != null && poll[0] <= last) {
            if (poll[0] < first) {
                stuckAt(poll[0]);
            }
            if (poll[1] <= last) {
                held.pollFirst();
            } else {
                // camel-kafka ends its exchanges at maxPollRecords, which may fall within a poll
                poll[0] = last + 1;
                break;
            }
        }
        lastRouted = Math.max(lastRouted, last);
    }

    private void stuckAt(long offset) {
        if (stuck.add(offset)) {
            LOG.error("{} offset {} could not be archived (its failure is logged above): commits of {} stop before"
                    + " it until a restart reads it again", partition, offset, partition);
        }
    }

    /**
     * What becomes of the record at {@code offset} of this partition: {@code stream} is its day and writer schema,
     * null when it cannot be archived (it is then dead-lettered, unless its previous owner did that already).
     */
    public Filing filing(long offset, StreamKey stream) {
        if (retired) {
            return Filing.GIVEN_UP;
        }
        synchronized (this) {
            if (!deadLetteredBefore.isEmpty() && deadLetteredBefore.remove(offset)) {
                return Filing.DEAD_LETTERED_BEFORE;
            }
            if (stream == null) {
                return Filing.DEAD_LETTER;
            }
            Cut cut = previousCut(stream, offset);
            return cut == null ? Filing.FREE : cut.done() ? Filing.ARCHIVED_BEFORE : new Filing(Filing.Kind.AGAIN, cut);
        }
    }

    /**
     * If the partition's previous owner cut the file that the record at {@code offset} of {@code stream} belongs to:
     * that cut, which is either in S3 ({@link Cut#done()}: skip the record) or to be written again the same way.
     */
    private Cut previousCut(StreamKey stream, long offset) {
        if (replaying == 0) {
            return null;
        }
        Stream s = streams.get(stream);
        if (s == null) {
            return null;
        }
        Cut cut;
        while ((cut = s.replay.peekFirst()) != null && cut.end < offset) {
            s.replay.pollFirst();
            replaying--;
        }
        if (cut != null && cut.end == offset) {
            s.replay.pollFirst();
            replaying--;
        }
        return cut;
    }

    /** The record at {@code offset} opened a batch, which holds it until the batch is uploaded. */
    public synchronized void opened(long offset, Cut replayOf) {
        batchStarts.add(offset);
        if (replayOf != null) {
            openReplays.add(replayOf);
        }
    }

    /** The record at {@code offset} is in the dead-letter topic. */
    public synchronized void deadLettered(long offset) {
        deadLettered.add(offset);
        version++;
    }

    /**
     * A batch of {@code stream} from {@code first} to {@code last} is finished: its cut, committed with the next
     * commit (a batch cut again where the previous owner cut it already has its committed cut); null when the batch
     * must not be uploaded, because it was cut again where the previous owner cut it ({@code replayOf}) and ended
     * short of that cut while the records up to it may still come ({@code endPassed} false).
     */
    public synchronized Cut finished(StreamKey stream, long first, long last, Cut replayOf, boolean endPassed) {
        if (replayOf != null) {
            if (last != replayOf.end && !endPassed) {
                LOG.warn("Not uploading the batch of {} from offset {} to {} of {}: it must end at offset {}, where"
                        + " its partition's previous owner ended it; its records stay uncommitted for the partition's"
                        + " next owner", stream, first, last, partition, replayOf.end);
                return null;
            }
            openReplays.remove(replayOf);
            return replayOf;
        }
        Cut cut = new Cut(stream, last, Status.CUT, false);
        if (retired) {
            cut.committed.complete(false);
            return cut;
        }
        cut.sequence = ++cutSequence;
        stream(stream).cuts.put(last, cut);
        uncommitted.add(cut);
        version++;
        return cut;
    }

    /** The batch that started at {@code first} and ends at {@code cut} is in S3. */
    public synchronized void uploaded(long first, Cut cut) {
        batchStarts.remove(first);
        cut.status = Status.DONE;
        version++;
    }

    /**
     * Batches cut again where the previous owner cut them, whose last record has been passed without being seen
     * (compacted away since): they end with what they have.
     */
    synchronized List<Cut> passedReplays() {
        if (openReplays.isEmpty()) {
            return List.of();
        }
        return openReplays.stream().filter(cut -> cut.end < lastRouted).toList();
    }

    /**
     * What to commit now, if anything: at once when cuts wait for a commit (their uploads wait for it), otherwise
     * when {@code intervalElapsed} and the offset or the state moved.
     */
    synchronized Snapshot due(boolean intervalElapsed) {
        if (retired || next < 0) {
            return null;
        }
        long safe = safeOffset();
        boolean moved = safe > committed || version != committedVersion;
        if (uncommitted.isEmpty() && !(intervalElapsed && moved)) {
            return null;
        }
        streams.values().removeIf(stream -> {
            stream.cuts.headMap(safe).clear();
            return stream.cuts.isEmpty() && stream.replay.isEmpty();
        });
        deadLettered.headSet(safe).clear();
        SortedMap<StreamKey, List<CommitState.Cut>> cuts = new TreeMap<>();
        streams.forEach((key, stream) -> {
            if (!stream.cuts.isEmpty()) {
                cuts.put(key, stream.cuts.values().stream()
                        .map(cut -> new CommitState.Cut(cut.end, cut.status == Status.DONE)).toList());
            }
        });
        return new Snapshot(this, safe, new CommitState(settingsHash, cuts, new TreeSet<>(deadLettered)),
                cutSequence, version);
    }

    private long safeOffset() {
        long safe = held.isEmpty() ? next : held.peekFirst()[0];
        if (!stuck.isEmpty()) {
            safe = Math.min(safe, stuck.first());
        }
        if (!batchStarts.isEmpty()) {
            safe = Math.min(safe, batchStarts.first());
        }
        return safe;
    }

    /** A commit of {@code snapshot} succeeded: the cuts it carried may be uploaded. */
    synchronized void committed(Snapshot snapshot) {
        committed = Math.max(committed, snapshot.offset());
        committedVersion = snapshot.version();
        Cut cut;
        while ((cut = uncommitted.peekFirst()) != null && cut.sequence <= snapshot.cutSequence()) {
            uncommitted.pollFirst();
            if (cut.status == Status.CUT) {
                cut.status = Status.COMMITTED;
            }
            cut.committed.complete(true);
        }
    }

    /**
     * This consumer no longer owns the partition: cuts not yet committed are abandoned (their batches are not
     * uploaded; the next owner reads their records again).
     */
    synchronized void retire() {
        retired = true;
        uncommitted.forEach(cut -> cut.committed.complete(false));
        uncommitted.clear();
    }

    public boolean retired() {
        return retired;
    }

    /** What this partition looks like right now, for metrics and logs. */
    public synchronized Lag lag() {
        return new Lag(partition, committed, next,
                batchStarts.size() + stuck.size() + held.size());
    }

    private Stream stream(StreamKey key) {
        return streams.computeIfAbsent(key, k -> new Stream());
    }

    @Override
    public String toString() {
        return partition + " (assignment " + epoch + ")";
    }

    private enum Status {
        /** Finished, its cut not yet committed. */
        CUT,
        /** Its cut is committed; the file may or may not be in S3. */
        COMMITTED,
        /** The file is in S3. */
        DONE
    }

    /** Where one file of a stream ends, and how far it got. */
    public static final class Cut {
        private final StreamKey stream;
        private final long end;
        private final boolean previous;
        private final CompletableFuture<Boolean> committed = new CompletableFuture<>();
        private Status status;
        private long sequence;

        private Cut(StreamKey stream, long end, Status status, boolean previous) {
            this.stream = stream;
            this.end = end;
            this.status = status;
            this.previous = previous;
            if (status != Status.CUT) {
                committed.complete(true);
            }
        }

        public StreamKey stream() {
            return stream;
        }

        /** The offset of the file's last record. */
        public long end() {
            return end;
        }

        /** Whether the file is known to be in S3 (for a cut of the partition's previous owner). */
        public boolean done() {
            return status == Status.DONE;
        }

        /** Whether the partition's previous owner made this cut. */
        public boolean previous() {
            return previous;
        }

        boolean awaitingCommit() {
            return !committed.isDone();
        }

        /**
         * Completes with true once a commit carrying this cut has succeeded, or with false when the partition was given
         * up before one did: the file must not be written then.
         */
        public CompletionStage<Boolean> committed() {
            return committed.minimalCompletionStage();
        }

        @Override
        public String toString() {
            return stream.day() + "/" + stream.schemaId() + " up to offset " + end;
        }
    }

    /** The cuts of one stream at or above the committed offset, and those of the previous owner still ahead. */
    private static final class Stream {
        final TreeMap<Long, Cut> cuts = new TreeMap<>();
        final ArrayDeque<Cut> replay = new ArrayDeque<>();
    }

    /** One commit to make: the offset, the state that goes with it, and how far it covers the ledger's cuts. */
    record Snapshot(PartitionLedger ledger, long offset, CommitState state, long cutSequence, long version) {
    }

    /**
     * @param committed the last committed offset, -1 before the first commit
     * @param next      one past the last offset read, -1 before the first record
     * @param held      how many polls, batches and failed records hold the commit back
     */
    public record Lag(TopicPartition partition, long committed, long next, int held) {

        /** How many offsets have been read but are not committed yet. */
        public long lag() {
            return next < 0 ? 0 : next - Math.max(committed, 0);
        }
    }

    /**
     * What becomes of a record read: {@link Kind#AGAIN} carries the cut of the previous owner's file it is gathered
     * into again.
     */
    public record Filing(Kind kind, Cut cut) {

        static final Filing GIVEN_UP = new Filing(Kind.GIVEN_UP, null);
        static final Filing DEAD_LETTERED_BEFORE = new Filing(Kind.DEAD_LETTERED_BEFORE, null);
        static final Filing DEAD_LETTER = new Filing(Kind.DEAD_LETTER, null);
        static final Filing ARCHIVED_BEFORE = new Filing(Kind.ARCHIVED_BEFORE, null);
        static final Filing FREE = new Filing(Kind.FREE, null);

        public enum Kind {
            /** Its partition was given up while the record was on its way: the partition's next owner reads it. */
            GIVEN_UP,
            /** The partition's previous owner sent it to the dead-letter topic. */
            DEAD_LETTERED_BEFORE,
            /** It cannot be archived: to the dead-letter topic. */
            DEAD_LETTER,
            /** The partition's previous owner put it in a file known to be in S3. */
            ARCHIVED_BEFORE,
            /** Into a batch that ends where the partition's previous owner ended its file. */
            AGAIN,
            /** Into a batch, cut as this owner cuts. */
            FREE
        }
    }
}
