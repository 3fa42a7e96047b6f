package com.prism.lts.commit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka consumer camel-kafka polls with: a real consumer behind rules that make the archive exact.
 * <ul>
 * <li>Offsets are committed here and only here, on the consumer's own thread: before polls, when partitions are
 * revoked and on close, each partition's {@link PartitionLedger} offset with its {@link CommitState}. Commits and seeks
 * asked for by anyone else are refused, so no setting or route change can commit a record that is not safe, or read
 * records a second time into open batches. Every method of {@link Consumer} is implemented here, so a method that a
 * future Kafka release adds to it cannot bypass these rules: it fails the build until it is written here too.</li>
 * <li>A partition's ledger starts from the state committed with its offset, so that its files are cut where its
 * previous owner cut them.</li>
 * <li>Fetching pauses while too many finished batches wait for S3, so an S3 outage cannot fill the heap.</li>
 * </ul>
 */
final class ArchivingConsumer implements Consumer<Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(ArchivingConsumer.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofNanos(ConsumerLedgers.COMMIT_TIMEOUT_NANOS);
    /**
     * How long a poll waits while a commit or a request for the topics' ids is in flight: the acknowledgement and the
     * answer are taken at the start of the next poll, and uploads wait for them.
     */
    private static final Duration WHILE_COMMITTING = Duration.ofMillis(5);
    /**
     * How long a poll waits while fetching is paused for uploads, to resume soon after they are done, or while a file
     * waits for a request for its topic's id to be sent.
     */
    private static final Duration WHILE_PAUSED = Duration.ofMillis(50);
    /**
     * How many requests for the topics' ids may be in flight at once. One goes beside each commit while files wait for
     * it, and an answer is taken only at the start of a poll: the one sent with the last commit may not be taken yet
     * when the next commit goes, and a file would then wait for a request sent a poll later than its commit.
     */
    private static final int TOPIC_CHECKS_IN_FLIGHT = 4;
    /** How often a pause that lasts is said again. */
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private final Consumer<Object, Object> delegate;
    private final ArchivingConsumerFactory shared;
    private final ConsumerLedgers ledgers;
    private final TopicIds topicIds;
    /** Requests for the topics' ids in flight, oldest first. */
    private final ArrayDeque<TopicCheck> topicChecks = new ArrayDeque<>();
    private final Set<TopicPartition> pausedToRetry = new HashSet<>();
    private final Set<TopicPartition> pausedByCamel = new HashSet<>();
    private final Map<TopicPartition, Cursor> cursors = new HashMap<>();
    private ConsumerRecords<Object, Object> lastPoll = ConsumerRecords.empty();
    private boolean pausedForUploads;
    private long pausedSinceNanos;
    private long nextPauseWarningNanos;
    private volatile boolean joined;

    ArchivingConsumer(Consumer<Object, Object> delegate, ArchivingConsumerFactory shared, TopicIds topicIds) {
        this.delegate = delegate;
        this.shared = shared;
        this.topicIds = topicIds;
        this.ledgers = new ConsumerLedgers(shared.metadata(), shared.batches(), shared.watch(), shared.settingsHash(),
                shared.commitIntervalNanos(), shared.retry(), System::nanoTime, shared::nextEpoch);
    }

    @Override
    public ConsumerRecords<Object, Object> poll(Duration timeout) {
        commit(ledgers.partitions(), false);
        ledgers.finishPassedReplays(this::caughtUp);
        checkTopicIds();
        readAgain(ledgers.rewinds());
        pauseToRetry();
        pauseWhileUploadsPileUp();
        ConsumerRecords<Object, Object> polled = delegate.poll(shortest(timeout,
                ledgers.commitInFlight() || !topicChecks.isEmpty() ? WHILE_COMMITTING
                        : pausedForUploads || ledgers.awaitingTopicCheck() ? WHILE_PAUSED : timeout));
        ConsumerRecords<Object, Object> records = polled;
        for (TopicPartition partition : polled.partitions()) {
            if (!ledgers.hold(partition, polled.records(partition))) {
                records = without(records, partition);
            }
        }
        shared.watch().polled(records.count());
        lastPoll = records;
        cursors.clear();
        return records;
    }

    /** Whether this consumer has read {@code partition} to the end of its log. */
    private boolean caughtUp(TopicPartition partition) {
        OptionalLong lag = delegate.currentLag(partition);
        return lag.isPresent() && lag.getAsLong() == 0;
    }

    /** The records of a poll but those of {@code partition}, which must not be routed. */
    private static ConsumerRecords<Object, Object> without(ConsumerRecords<Object, Object> records,
            TopicPartition partition) {
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> kept = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>(records.nextOffsets());
        for (TopicPartition other : records.partitions()) {
            if (!other.equals(partition)) {
                kept.put(other, records.records(other));
            }
        }
        next.remove(partition);
        return new ConsumerRecords<>(kept, next);
    }

    /**
     * A topic deleted and created again under the same name is read from its start; files wait for this check before
     * they are uploaded ({@link PartitionLedger#sameTopic}).
     */
    private void checkTopicIds() {
        // in the order they were asked: an earlier answer never comes after a later one
        while (!topicChecks.isEmpty() && topicChecks.peekFirst().answer().isDone()) {
            TopicCheck answered = topicChecks.pollFirst();
            ledgers.topicIds(answered.answer().join(), answered.pollsBefore());
        }
        if (topicChecks.size() < TOPIC_CHECKS_IN_FLIGHT && ledgers.topicCheckDue()) {
            // asked without waiting: the answer covers what was read before now, and comes by a later poll
            topicChecks.addLast(new TopicCheck(ledgers.pollsBefore(), topicIds.asked(topics(ledgers.partitions()))));
        }
    }

    /** A request for the topics' ids in flight, and what the ledgers had read when it was sent. */
    private record TopicCheck(Map<PartitionLedger, Long> pollsBefore, CompletableFuture<Map<String, Uuid>> answer) {
    }

    /**
     * The partitions whose ledgers were given up (a failed route step, a read position moved back, a topic created
     * again) are read again with new ledgers, from where {@link ConsumerLedgers#restart} says.
     */
    private void readAgain(List<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = readCommitted(partitions);
        Map<String, Uuid> ids = topicIds.of(topics(partitions));
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata at = committed.get(partition);
            long from;
            try {
                from = ledgers.restart(partition, at, ids.get(partition.topic()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
            if (from == ConsumerLedgers.FROM_ITS_START) {
                delegate.seekToBeginning(List.of(partition));
            } else if (at != null && from == at.offset()) {
                // with its leader epoch, as for a partition's new owner, the consumer checks the committed offset
                // against the log first, and moves back to where a log truncated since has other records
                delegate.seek(partition, new OffsetAndMetadata(from, at.leaderEpoch(), ""));
            } else {
                delegate.seek(partition, from);
            }
        }
    }

    /** Partitions whose route failed are paused until their retry is due. */
    private void pauseToRetry() {
        Set<TopicPartition> waiting = ledgers.waitingToRetry();
        Set<TopicPartition> resumed = new HashSet<>(pausedToRetry);
        resumed.removeAll(waiting);
        resumed.removeAll(pausedByCamel);
        pausedToRetry.clear();
        pausedToRetry.addAll(waiting);
        if (!waiting.isEmpty()) {
            delegate.pause(waiting);
        }
        if (!resumed.isEmpty() && !pausedForUploads) {
            delegate.resume(resumed);
        }
    }

    private static Set<String> topics(Collection<TopicPartition> partitions) {
        Set<String> topics = new HashSet<>();
        partitions.forEach(partition -> topics.add(partition.topic()));
        return topics;
    }

    private static Duration shortest(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The record at {@code offset} of the last poll, with its ledger. */
    PolledRecord claim(TopicPartition partition, long offset) {
        return new PolledRecord(cursors.computeIfAbsent(partition, p -> new Cursor(lastPoll.records(p))).at(offset),
                ledgers.ledger(partition));
    }

    /** The ledgers of the partitions this consumer owns. */
    Collection<PartitionLedger> ledgers() {
        return ledgers.all();
    }

    /** Whether this consumer has joined its group, with or without partitions. */
    boolean joined() {
        return joined;
    }

    /**
     * Commits what is due for {@code partitions}. While consuming the commit is asynchronous, one at a time, and
     * batches wait for it to be acknowledged; {@code last} (partitions going, the consumer closing) waits for it, and
     * for the ones after it while partitions did not fit in one, until one fails.
     */
    private void commit(Collection<TopicPartition> partitions, boolean last) {
        if (last) {
            commitAndWait(partitions);
            return;
        }
        ConsumerLedgers.Commit commit = ledgers.due(partitions, false);
        if (commit != null) {
            ledgers.sent(commit);
            delegate.commitAsync(commit.offsets(), (committed, failure) -> ledgers.answered(commit, failure));
        }
    }

    private void commitAndWait(Collection<TopicPartition> partitions) {
        ConsumerLedgers.Commit commit = ledgers.due(partitions, true);
        for (int left = partitions.size(); commit != null && left > 0; left--) {
            try {
                delegate.commitSync(commit.offsets(), COMMIT_TIMEOUT);
                ledgers.answered(commit, null);
            } catch (WakeupException | InterruptException e) {
                ledgers.answered(commit, e);
                throw e;
            } catch (KafkaException e) {
                ledgers.answered(commit, e);
                return;
            }
            commit = ledgers.due(partitions, true);
        }
    }

    /**
     * Back-pressure: a pause is the normal path whenever reading outruns S3 (a first run, a catch-up, a graceful
     * stop), said at INFO; only a pause that lasts is a warning, said every 30 seconds with how long it has lasted.
     */
    private void pauseWhileUploadsPileUp() {
        int waiting = shared.batches().waitingUploads();
        int max = shared.maxWaitingUploads();
        long now = System.nanoTime();
        if (waiting >= max) {
            if (!pausedForUploads) {
                LOG.info("Pausing Kafka fetches: {} batches are waiting for their upload to S3 (limit {},"
                        + " prism.upload.max-waiting); fetching resumes when half of them are stored", waiting, max);
                pausedForUploads = true;
                pausedSinceNanos = now;
                nextPauseWarningNanos = now + WARN_EVERY_NANOS;
            }
            delegate.pause(delegate.assignment());
        }
        if (pausedForUploads && waiting > max / 2 && now - nextPauseWarningNanos >= 0) {
            LOG.warn("Kafka fetches have been paused for {} s: {} batches still wait for their upload to S3 (limit {});"
                    + " the upload warnings say why", (now - pausedSinceNanos) / 1_000_000_000, waiting, max);
            nextPauseWarningNanos = now + WARN_EVERY_NANOS;
        } else if (pausedForUploads && waiting <= max / 2) {
            LOG.info("Resuming Kafka fetches after {} ms paused: {} batches wait for upload",
                    (now - pausedSinceNanos) / 1_000_000, waiting);
            pausedForUploads = false;
            Set<TopicPartition> resumed = new HashSet<>(delegate.assignment());
            resumed.removeAll(pausedByCamel);
            resumed.removeAll(pausedToRetry);
            delegate.resume(resumed);
        }
    }

    private void take(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = readCommitted(partitions);
        Map<String, Uuid> ids = topicIds.of(topics(partitions));
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            long from;
            try {
                from = ledgers.take(partition, offset, ids.get(partition.topic()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
            if (from == ConsumerLedgers.FROM_ITS_START && offset != null) {
                delegate.seekToBeginning(List.of(partition));
            }
        }
    }

    /** The committed offsets of {@code partitions}, asking again while the group coordinator does not answer. */
    private Map<TopicPartition, OffsetAndMetadata> readCommitted(Collection<TopicPartition> partitions) {
        while (true) {
            try {
                return delegate.committed(new HashSet<>(partitions), COMMIT_TIMEOUT);
            } catch (TimeoutException e) {
                LOG.warn("Reading the committed offsets of {} timed out; asking again", partitions);
            }
        }
    }

    // ---- subscriptions: every rebalance goes through the ledgers

    @Override
    public void subscribe(Collection<String> topics) {
        delegate.subscribe(topics, new Rebalancing(null));
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        delegate.subscribe(topics, new Rebalancing(listener));
    }

    /** The topics of {@code pattern}, but no dead-letter topic of theirs. */
    @Override
    public void subscribe(Pattern pattern) {
        delegate.subscribe(shared.subscription(pattern), new Rebalancing(null));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        delegate.subscribe(shared.subscription(pattern), new Rebalancing(listener));
    }

    @Override
    public void subscribe(SubscriptionPattern pattern) {
        delegate.subscribe(pattern, new Rebalancing(null));
    }

    @Override
    public void subscribe(SubscriptionPattern pattern, ConsumerRebalanceListener listener) {
        delegate.subscribe(pattern, new Rebalancing(listener));
    }

    /** Refused: without a group there is nobody to commit to, and nothing to hand partitions over to. */
    @Override
    public void assign(Collection<TopicPartition> partitions) {
        throw new UnsupportedOperationException("Prism LTS reads topics as a member of its consumer group only");
    }

    @Override
    public void unsubscribe() {
        delegate.unsubscribe();
    }

    // ---- commits and positions are ours alone

    @Override
    public void commitSync() {
        refuseCommit();
    }

    @Override
    public void commitSync(Duration timeout) {
        refuseCommit();
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        refuseCommit();
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        refuseCommit();
    }

    @Override
    public void commitAsync() {
        refuseCommit();
    }

    @Override
    public void commitAsync(OffsetCommitCallback callback) {
        refuseCommit();
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        refuseCommit();
    }

    private static void refuseCommit() {
        LOG.warn("Ignored a request to commit offsets: Prism LTS commits only offsets whose records are in S3");
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        refuseSeek(partition);
    }

    @Override
    public void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
        refuseSeek(partition);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        partitions.forEach(ArchivingConsumer::refuseSeek);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        partitions.forEach(ArchivingConsumer::refuseSeek);
    }

    /**
     * Records read again within one assignment would join open batches a second time; a partition is read once per
     * assignment, from its committed offset (camel-kafka seeks there when a suspended route resumes).
     */
    private static void refuseSeek(TopicPartition partition) {
        LOG.info("Ignored a request to move the read position of {}: Prism LTS reads each record once per"
                + " assignment, from the committed offset on", partition);
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        pausedByCamel.addAll(partitions);
        delegate.pause(partitions);
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        pausedByCamel.removeAll(partitions);
        if (!pausedForUploads) {
            Set<TopicPartition> resumed = new HashSet<>(partitions);
            resumed.removeAll(pausedToRetry);
            delegate.resume(resumed);
        }
    }

    // ---- closing commits what is safe first

    @Override
    public void close() {
        beforeClose();
        delegate.close();
    }

    @Override
    @SuppressWarnings("deprecation")
    public void close(Duration timeout) {
        beforeClose();
        delegate.close(timeout);
    }

    @Override
    public void close(CloseOptions options) {
        beforeClose();
        delegate.close(options);
    }

    private void beforeClose() {
        try {
            commit(ledgers.partitions(), true);
        } finally {
            new HashSet<>(ledgers.partitions()).forEach(ledgers::giveUp);
            topicIds.close();
            shared.closed(this);
        }
    }

    // ---- the rest is the real consumer's

    @Override
    public Set<TopicPartition> assignment() {
        return delegate.assignment();
    }

    @Override
    public Set<String> subscription() {
        return delegate.subscription();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        delegate.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        delegate.unregisterMetricFromSubscription(metric);
    }

    @Override
    public long position(TopicPartition partition) {
        return delegate.position(partition);
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        return delegate.position(partition, timeout);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return delegate.committed(partitions);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        return delegate.committed(partitions, timeout);
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return delegate.clientInstanceId(timeout);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return delegate.metrics();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        return delegate.partitionsFor(topic, timeout);
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics() {
        return delegate.listTopics();
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics(Duration timeout) {
        return delegate.listTopics(timeout);
    }

    @Override
    public Set<TopicPartition> paused() {
        return delegate.paused();
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
        return delegate.offsetsForTimes(timestamps);
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps,
            Duration timeout) {
        return delegate.offsetsForTimes(timestamps, timeout);
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return delegate.beginningOffsets(partitions);
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return delegate.beginningOffsets(partitions, timeout);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return delegate.endOffsets(partitions);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return delegate.endOffsets(partitions, timeout);
    }

    @Override
    public OptionalLong currentLag(TopicPartition partition) {
        return delegate.currentLag(partition);
    }

    @Override
    public ConsumerGroupMetadata groupMetadata() {
        return delegate.groupMetadata();
    }

    @Override
    public void enforceRebalance() {
        delegate.enforceRebalance();
    }

    @Override
    public void enforceRebalance(String reason) {
        delegate.enforceRebalance(reason);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    /**
     * Commits what is safe before partitions go, so that their new owner re-reads as little as possible and cuts
     * where this consumer cut; starts each assigned partition's ledger from its committed state.
     */
    private final class Rebalancing implements ConsumerRebalanceListener {

        private final ConsumerRebalanceListener camel;

        Rebalancing(ConsumerRebalanceListener camel) {
            this.camel = camel;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                commit(partitions, true);
                partitions.forEach(ledgers::giveUp);
                LOG.info("Partitions revoked: {}", partitions);
            }
            if (camel != null) {
                camel.onPartitionsRevoked(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            joined = false;
            partitions.forEach(ledgers::giveUp);
            LOG.warn("Partitions lost without a chance to commit (their new owner reads them again from their last"
                    + " commit): {}", partitions);
            if (camel != null) {
                camel.onPartitionsLost(partitions);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined = true;
            if (!partitions.isEmpty()) {
                take(partitions);
                if (pausedForUploads) {
                    delegate.pause(partitions);
                }
            }
            if (camel != null) {
                camel.onPartitionsAssigned(partitions);
            }
        }
    }

    /** Finds the records of one partition of the last poll in the order camel-kafka routes them: offset order. */
    private static final class Cursor {
        private final List<ConsumerRecord<Object, Object>> records;
        private int next;

        Cursor(List<ConsumerRecord<Object, Object>> records) {
            this.records = records;
        }

        ConsumerRecord<Object, Object> at(long offset) {
            while (next < records.size() && records.get(next).offset() < offset) {
                next++;
            }
            if (next == records.size() || records.get(next).offset() != offset) {
                throw new IllegalStateException("offset " + offset + " was not polled last");
            }
            return records.get(next);
        }
    }
}
