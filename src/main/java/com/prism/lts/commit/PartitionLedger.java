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
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition, for one assignment of it to one consumer: which of its records are safe, which files they are in,
 * and what the offset to commit is.
 * <p>
 * <b>The offset to commit</b> is the lowest offset not yet safe: every record below it is in S3 or in the dead-letter
 * topic. The records of a poll are held until the route has dealt with all of them; a record that opens a batch holds
 * the batch's first offset until the batch is uploaded.
 * <p>
 * <b>Files.</b> When a batch is finished, its file is recorded by its first and last offset (a {@link Cut}). A batch is
 * uploaded only after a commit that carries its cut has succeeded ({@link Cut#committed}): a consumer that has lost the
 * partition cannot commit, so it never uploads a file that the partition's next owner would cut differently. Every
 * commit carries the cuts that end at or above the committed offset ({@link CommitState}), so the next owner skips the
 * files known to be in S3 and gathers the others again exactly as they were cut: both write the same file under the
 * same key.
 * <p>
 * <b>A file holds every record of its stream between its ends</b> (but those of files nested inside it), because this
 * ledger is given up at the first sign that a record read might not have been routed: a poll whose route failed, or
 * a poll that does not continue where the last one ended (Kafka moved the read position back: an out-of-range reset, a
 * log truncation). The consumer then reads the partition again from its committed offset with a new ledger
 * ({@link #rewind()}).
 * <p>
 * Methods are called by the consumer's thread (polling, routing, committing), by the aggregator's timeout thread
 * (cuts) and by upload threads (uploads); they synchronize on this ledger.
 */
public final class PartitionLedger {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLedger.class);

    private final TopicPartition partition;
    private final int epoch;
    private final int settingsHash;
    private final Uuid topicId;
    private long committed;

    /** The first and last offsets of each poll the route has not dealt with yet, in offset order. */
    private final ArrayDeque<long[]> held = new ArrayDeque<>();
    private long next = -1;
    private long lastRouted = -1;
    private final TreeSet<Long> batchStarts = new TreeSet<>();
    /** The leader epoch of the records read, from the offset where it began, where Kafka told it. */
    private final TreeMap<Long, Integer> leaderEpochs = new TreeMap<>();

    private final Map<StreamKey, Stream> streams = new HashMap<>();
    /** The highest offset the previous owner's state describes: above it, every record is cut freely. */
    private long horizon = -1;
    /** The leader epoch of the last record the previous owner had read; null if unknown. */
    private Integer previousEpoch;
    private final List<Cut> openReplays = new ArrayList<>();
    private final TreeSet<Long> deadLettered = new TreeSet<>();
    private final Set<Long> deadLetteredBefore = new HashSet<>();

    private final ArrayDeque<Cut> uncommitted = new ArrayDeque<>();
    private long cutSequence;
    private long version;
    private long committedVersion;
    /** How many polls this ledger held, and how many of them a check of the topic's id has followed. */
    private long polls;
    private long pollsChecked;
    /** What waits for a check of the topic's id after the poll it names ({@link #sameTopic}). */
    private final TreeMap<Long, CompletableFuture<Boolean>> awaitingTopicCheck = new TreeMap<>();
    /** Read without the lock by the route for each record: it only ever turns true. */
    private volatile boolean retired;
    private Rewind rewind;

    /**
     * @param topicId   the topic's id (its incarnation), null if unknown: written into each file
     * @param committed the partition's committed offset when it was assigned, -1 if it has none
     * @param previous  the state committed with that offset by the partition's previous owner
     */
    public PartitionLedger(TopicPartition partition, int epoch, int settingsHash, Uuid topicId, long committed,
            CommitState previous) {
        this(partition, epoch, settingsHash, topicId, committed, null, previous);
    }

    /** @param committedEpoch the leader epoch committed with {@code committed}, null if none was */
    PartitionLedger(TopicPartition partition, int epoch, int settingsHash, Uuid topicId, long committed,
            Integer committedEpoch, CommitState previous) {
        this.partition = partition;
        this.epoch = epoch;
        this.settingsHash = settingsHash;
        this.topicId = topicId;
        this.committed = committed;
        if (committed > 0 && committedEpoch != null) {
            leaderEpochs.put(committed - 1, committedEpoch);
        }
        previous.cuts().forEach((key, cuts) -> {
            Stream stream = stream(key);
            for (CommitState.Cut recorded : cuts) {
                Cut cut = new Cut(key, recorded.first(), recorded.end(),
                        recorded.done() ? Status.DONE : Status.COMMITTED, true);
                stream.cuts.put(cut.end, cut);
                stream.previous.add(cut);
                horizon = Math.max(horizon, cut.end);
            }
        });
        deadLettered.addAll(previous.deadLettered());
        deadLetteredBefore.addAll(previous.deadLettered());
        if (!previous.deadLettered().isEmpty()) {
            horizon = Math.max(horizon, previous.deadLettered().last());
        }
        previousEpoch = previous.leaderEpoch();
    }

    /**
     * The record at {@code offset} was read with a higher leader epoch than the previous owner had seen: a log
     * truncated by an unclean leader election put another record there. From there on the previous owner's state
     * describes records that are gone: its files end before it, its dead letters there are forgotten.
     */
    private void replacedFrom(long offset) {
        LOG.warn("{} holds other records from offset {} on than its previous owner read (a log truncated by an unclean"
                + " leader election): they are archived as new records", partition, offset);
        streams.values().forEach(stream -> {
            for (Cut cut : new ArrayList<>(stream.previous)) {
                if (cut.end >= offset) {
                    stream.cuts.remove(cut.end);
                    if (cut.first >= offset) {
                        stream.previous.remove(cut);
                    } else {
                        cut.end = offset - 1;
                        stream.cuts.put(cut.end, cut);
                    }
                }
            }
        });
        deadLettered.tailSet(offset).clear();
        deadLetteredBefore.removeIf(dead -> dead >= offset);
        horizon = Math.min(horizon, offset - 1);
        version++;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Tells assignments of the same partition apart: records read again after a rebalance get a new epoch. */
    public int epoch() {
        return epoch;
    }

    /** The id of the topic incarnation this partition was assigned in, null if unknown. */
    public Uuid topicId() {
        return topicId;
    }

    /**
     * The records of one poll: held until the route has dealt with each of them. False, and this ledger is given up,
     * when they do not continue where the last poll ended (Kafka moved the read position back): the partition must be
     * read again from its committed offset ({@link #rewind()}), and these records must not be routed.
     */
    synchronized boolean hold(List<? extends ConsumerRecord<?, ?>> records) {
        if (retired || records.isEmpty()) {
            return !retired;
        }
        ConsumerRecord<?, ?> head = records.get(0);
        long first = head.offset();
        long expected = next >= 0 ? next : committed;
        if (first < expected) {
            // a log's leader epochs never fall from one offset to the next: a record read again with a higher epoch
            // than this ledger saw at (or, below what it read, after) its offset replaced the one read there
            Integer before = leaderEpochs.isEmpty() ? null
                    : first < leaderEpochs.firstKey() ? leaderEpochs.firstEntry().getValue() : epochAt(first);
            boolean changed = before == null || head.leaderEpoch().isEmpty() || head.leaderEpoch().get() > before;
            LOG.warn("Kafka moved the read position of {} back: it read offset {} where {} was next ({})", partition,
                    first, expected, changed ? "a log truncated by an unclean leader election, or an out-of-range"
                            + " reset" : "its records there are the same as before");
            giveUpFor(new Rewind(changed ? Rewind.Kind.MOVED_BACK : Rewind.Kind.READ_AGAIN, first,
                    "Kafka moved its read position back to " + first));
            return false;
        }
        for (ConsumerRecord<?, ?> record : records) {
            if (record.leaderEpoch().isEmpty()) {
                continue;
            }
            int epoch = record.leaderEpoch().get();
            Integer current = leaderEpochs.isEmpty() ? null : leaderEpochs.lastEntry().getValue();
            if (current == null || epoch != current) {
                leaderEpochs.put(record.offset(), epoch);
            }
            if (previousEpoch != null && epoch > previousEpoch && record.offset() <= horizon) {
                replacedFrom(record.offset());
            }
        }
        long last = records.get(records.size() - 1).offset();
        held.addLast(new long[] {first, last});
        next = last + 1;
        polls++;
        return true;
    }

    /**
     * Completes with true once the cluster has told this ledger's topic id ({@link #topicChecked}) after every record
     * held so far was read, or with false when the ledger is given up first, the topic deleted and created again.
     * Kafka's consumer does not tell its records' topic id, and reads on at its position into a topic created again
     * under the same name: a file of records read before such a check may hold the new topic's, under the old id. A
     * ledger started while the id could not be read waits until it can, and is then given up ({@link #topicIdFound}).
     */
    public synchronized CompletionStage<Boolean> sameTopic() {
        if (retired) {
            return CompletableFuture.completedFuture(false);
        }
        if (topicId != null && polls <= pollsChecked) {
            return CompletableFuture.completedFuture(true);
        }
        return awaitingTopicCheck.computeIfAbsent(polls, p -> new CompletableFuture<>()).minimalCompletionStage();
    }

    /**
     * Completes with true once the file of {@code cut} may be written: a commit carrying the cut has succeeded, and
     * its records are known to be of this ledger's topic ({@link #sameTopic}); with false when the partition was given
     * up first, and its records are read again.
     */
    public CompletionStage<Boolean> mayUpload(Cut cut) {
        return cut.committed().thenCombine(sameTopic(), (committed, sameTopic) -> committed && sameTopic);
    }

    /** How many polls this ledger held so far: what a check of the topic's id asked for now covers. */
    synchronized long polls() {
        return polls;
    }

    /**
     * The cluster told this ledger's topic id, in answer to a request sent after its first {@code pollsBefore} polls:
     * their records are of this topic.
     */
    synchronized void topicChecked(long pollsBefore) {
        pollsChecked = Math.max(pollsChecked, pollsBefore);
        Map<Long, CompletableFuture<Boolean>> confirmed = awaitingTopicCheck.headMap(pollsChecked, true);
        confirmed.values().forEach(waiting -> waiting.complete(true));
        confirmed.clear();
    }

    /** Whether a file waits for a check of the topic's id ({@link #sameTopic}). */
    synchronized boolean awaitingTopicCheck() {
        return !awaitingTopicCheck.isEmpty();
    }

    /**
     * The route has dealt with every record of this partition from {@code first} to {@code last}: each is in a batch
     * (whose first record {@link #opened} holds it), in S3 or in the dead-letter topic, or was left out because it is
     * already. The route deals with polls in offset order, so records still held below {@code first} failed on their
     * way: this ledger is given up, and the partition read again.
     */
    public synchronized void released(long first, long last) {
        if (retired) {
            return;
        }
        long[] poll;
        while ((poll = held.peekFirst()) != null && poll[0] <= last) {
            if (poll[0] < first) {
                failed(poll[0], "the route did not finish the poll of offsets " + poll[0] + " to " + poll[1]);
                return;
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

    /**
     * A step of the route failed for records of this partition from {@code first} on: they may be in no batch, or in
     * some, so nothing cut since can be committed as it is. This ledger is given up and the partition read again from
     * its committed offset.
     */
    public synchronized void failed(long first, String why) {
        if (!retired) {
            giveUpFor(new Rewind(Rewind.Kind.FAILED, first, why + " (from offset " + first + ")"));
        }
    }

    /**
     * The topic's id, which could not be read when this ledger started, is {@code topicId}: the state it followed may
     * be of an earlier topic of the same name, so the partition is read again from its committed offset, where the
     * state committed with it is checked against the id ({@link ConsumerLedgers#restart}).
     */
    synchronized void topicIdFound(Uuid topicId) {
        if (!retired) {
            giveUpFor(new Rewind(Rewind.Kind.TOPIC_ID_FOUND, -1, "its topic's id could not be read when it was taken"
                    + " (it is " + topicId + "): read again from its committed offset, knowing it"));
        }
    }

    /**
     * The topic was deleted and created again under the same name ({@code topicId} now): this ledger's records and
     * state are of the old one, and the partition is read from its start.
     */
    public synchronized void recreated(Uuid topicId) {
        if (!retired) {
            giveUpFor(new Rewind(Rewind.Kind.RECREATED, -1, "the topic was deleted and created again (its id is "
                    + topicId + " now, was " + this.topicId + ")"));
        }
    }

    private void giveUpFor(Rewind why) {
        rewind = why;
        retire();
    }

    /** The leader epoch of the record at {@code offset} as it was read, null if Kafka did not tell. */
    synchronized Integer epochAt(long offset) {
        Map.Entry<Long, Integer> entry = leaderEpochs.floorEntry(offset);
        return entry == null ? null : entry.getValue();
    }

    /** Why this partition must be read again from its committed offset, if it must; null otherwise. */
    synchronized Rewind rewind() {
        return rewind;
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
                // every record up to the horizon was routed by a previous owner that files records as this one does,
                // and it did not dead-letter this one: it is in a file, and this replica does not read it the same way
                return offset <= horizon ? Filing.REFUSED_HERE : Filing.DEAD_LETTER;
            }
            Cut file = offset > horizon ? null : previousFile(stream, offset);
            return file == null ? Filing.FREE : file.done() ? Filing.ARCHIVED_BEFORE
                    : new Filing(Filing.Kind.AGAIN, file);
        }
    }

    /** The innermost file of the previous owner that holds {@code offset} of {@code stream}, if any. */
    private Cut previousFile(StreamKey stream, long offset) {
        Stream s = streams.get(stream);
        if (s == null) {
            return null;
        }
        Cut innermost = null;
        for (Cut cut : s.previous) {
            if (cut.first <= offset && offset <= cut.end && (innermost == null || cut.first > innermost.first)) {
                innermost = cut;
            }
        }
        return innermost;
    }

    /**
     * A batch opened at {@code offset}: it holds its first offset until it is uploaded. A batch gathering a previous
     * owner's file again ({@code replayOf}) holds its own first record's offset, not the file's: the file's records
     * below it are below the offset this ledger started from, or gone.
     */
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
     * commit (a batch gathering again a file of the previous owner has that file's committed cut); null when the
     * batch must not be uploaded, because it gathered a previous owner's file again and ended short of its end while
     * the records up to it may still come ({@code endPassed} false).
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
        Cut cut = new Cut(stream, first, last, Status.CUT, false);
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

    /** The file of {@code cut}, whose batch opened at {@code first}, is in S3. */
    public synchronized void uploaded(long first, Cut cut) {
        batchStarts.remove(first);
        cut.status = Status.DONE;
        version++;
    }

    /**
     * Batches gathering a previous owner's file again whose last record will not come: it was passed without being
     * seen (compacted away since), or the log ends before it ({@code caughtUp}: the consumer has read to the end of the
     * log, and the route has dealt with everything read), which only a log truncated by an unclean leader election
     * does to records a previous owner read. They end with what they have.
     */
    synchronized List<Cut> passedReplays(boolean caughtUp) {
        if (openReplays.isEmpty()) {
            return List.of();
        }
        boolean atTheEnd = caughtUp && held.isEmpty();
        return openReplays.stream().filter(cut -> atTheEnd || cut.end < lastRouted).toList();
    }

    /**
     * What to commit now, if anything: at once when cuts wait for a commit (their uploads wait for it), otherwise
     * when {@code intervalElapsed} and the offset or the state moved.
     */
    synchronized Snapshot due(boolean intervalElapsed) {
        // without its topic's id, a state this ledger followed may be of an earlier topic of the same name, and a
        // commit would carry it on to the new one as its own ({@link #topicIdFound})
        if (retired || next < 0 || topicId == null) {
            return null;
        }
        long safe = safeOffset();
        boolean moved = safe != committed || version != committedVersion;
        if (uncommitted.isEmpty() && !(intervalElapsed && moved)) {
            return null;
        }
        streams.values().removeIf(stream -> {
            stream.cuts.headMap(safe).clear();
            stream.previous.removeIf(cut -> cut.end < safe);
            return stream.cuts.isEmpty();
        });
        deadLettered.headSet(safe).clear();
        SortedMap<StreamKey, List<CommitState.Cut>> cuts = new TreeMap<>();
        streams.forEach((key, stream) -> cuts.put(key, stream.cuts.values().stream()
                .map(cut -> new CommitState.Cut(cut.first, cut.end, cut.status == Status.DONE)).toList()));
        // every record the state describes was read with this epoch or a lower one: its own, and its previous owner's
        Integer lastEpoch = previousEpoch;
        if (!leaderEpochs.isEmpty() && (lastEpoch == null || leaderEpochs.lastEntry().getValue() > lastEpoch)) {
            lastEpoch = leaderEpochs.lastEntry().getValue();
        }
        return new Snapshot(this, safe, epochAt(safe - 1),
                new CommitState(settingsHash, topicId, lastEpoch, cuts, new TreeSet<>(deadLettered)), cutSequence,
                version);
    }

    private long safeOffset() {
        long safe = held.isEmpty() ? next : held.peekFirst()[0];
        if (!batchStarts.isEmpty()) {
            safe = Math.min(safe, batchStarts.first());
        }
        return safe;
    }

    /** A commit of {@code snapshot} succeeded: the cuts it carried may be uploaded. */
    synchronized void committed(Snapshot snapshot) {
        committed = snapshot.offset();
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
     * This consumer no longer owns the partition, or must read it again: cuts not yet committed are abandoned (their
     * batches are not uploaded; the partition's next ledger reads their records again).
     */
    synchronized void retire() {
        retired = true;
        uncommitted.forEach(cut -> cut.committed.complete(false));
        uncommitted.clear();
        awaitingTopicCheck.values().forEach(waiting -> waiting.complete(false));
        awaitingTopicCheck.clear();
    }

    public boolean retired() {
        return retired;
    }

    /** What this partition looks like right now, for metrics and logs. */
    public synchronized Lag lag() {
        return new Lag(partition, committed, next, batchStarts.size() + held.size());
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

    /**
     * Why a partition must be read again with a new ledger.
     *
     * @param offset where Kafka moved the read position back to ({@link Kind#MOVED_BACK}, {@link Kind#READ_AGAIN}),
     *               or the first offset of the poll that failed ({@link Kind#FAILED})
     * @param why    in words, for the log
     */
    record Rewind(Kind kind, long offset, String why) {

        enum Kind {
            /** A step of the route failed for a poll. */
            FAILED,
            /** Kafka moved the read position back, to records that are not those read there before. */
            MOVED_BACK,
            /** Kafka moved the read position back, to the same records as before (their leader epoch says so). */
            READ_AGAIN,
            /** The topic was deleted and created again. */
            RECREATED,
            /** The topic's id could not be read when the partition was taken, and now can. */
            TOPIC_ID_FOUND
        }
    }

    /** One file of a stream: where it starts and ends, and how far it got. */
    public static final class Cut {
        private final StreamKey stream;
        private final long first;
        /** Moved back only when a truncated log is found under a previous owner's file ({@link #replacedFrom}). */
        private volatile long end;
        private final boolean previous;
        private final CompletableFuture<Boolean> committed = new CompletableFuture<>();
        private Status status;
        private long sequence;

        private Cut(StreamKey stream, long first, long end, Status status, boolean previous) {
            this.stream = stream;
            this.first = first;
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

        /** The offset of the file's first record: its key's. */
        public long first() {
            return first;
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
            return stream.day() + "/" + stream.schemaId() + " from offset " + first + " to " + end;
        }
    }

    /** The files of one stream ending at or above the committed offset, and those of the previous owner among them. */
    private static final class Stream {
        final TreeMap<Long, Cut> cuts = new TreeMap<>();
        final List<Cut> previous = new ArrayList<>();
    }

    /**
     * One commit to make: the offset, the leader epoch of the record before it (null if unknown: with it, a consumer
     * that starts from the offset finds a log truncated under it, and goes back to where it diverged), the state that
     * goes with it, and how far it covers the ledger's cuts.
     */
    record Snapshot(PartitionLedger ledger, long offset, Integer leaderEpoch, CommitState state, long cutSequence,
            long version) {
    }

    /**
     * @param committed the last committed offset, -1 before the first commit
     * @param next      one past the last offset read, -1 before the first record
     * @param held      how many polls and batches hold the commit back
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
        static final Filing REFUSED_HERE = new Filing(Kind.REFUSED_HERE, null);
        static final Filing ARCHIVED_BEFORE = new Filing(Kind.ARCHIVED_BEFORE, null);
        static final Filing FREE = new Filing(Kind.FREE, null);

        public enum Kind {
            /** Its partition was given up while the record was on its way: the partition's next ledger reads it. */
            GIVEN_UP,
            /** The partition's previous owner sent it to the dead-letter topic. */
            DEAD_LETTERED_BEFORE,
            /** It cannot be archived: to the dead-letter topic. */
            DEAD_LETTER,
            /**
             * This replica cannot archive it, but the partition's previous owner did (its schema registry or schema
             * directory answered otherwise): neither dead-lettered (it is in a file) nor skipped (which file is not
             * known without reading it). The poll fails, and the partition is read again until the replicas agree.
             */
            REFUSED_HERE,
            /** The partition's previous owner put it in a file known to be in S3. */
            ARCHIVED_BEFORE,
            /** Into a batch that gathers again a file of the partition's previous owner. */
            AGAIN,
            /** Into a batch, cut as this owner cuts. */
            FREE
        }
    }
}
