package com.prism.lts.commit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text a {@link CommitState} travels as in a commit's metadata: inline ({@code prism1:<base64>}) while it fits
 * the broker's {@code offset.metadata.max.bytes}, otherwise in an S3 object of its own that the metadata names
 * ({@code prism1:s3:<key>}). The object is written before the commit that names it, under a new key each time, so
 * a commit refused to a replica that lost the partition names nothing that matters. {@link ConsumerLedgers} deletes
 * an object once a later commit that does not name it has succeeded.
 * <p>
 * Thousands of days open at once in one partition (years of history in random order) are what outgrow the
 * metadata: about 6 bytes per day with a file above the committed offset.
 */
public final class CommitMetadata {

    static final String INLINE = "prism1:";
    static final String IN_S3 = INLINE + "s3:";
    /** Kafka's default {@code offset.metadata.max.bytes}; a broker that refuses it halves what goes inline. */
    private static final int KAFKA_DEFAULT_LIMIT = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(CommitMetadata.class);

    /**
     * How old a state object must be before it can be taken for an orphan: far older than any commit in flight (30 s),
     * so that a state written for a commit not yet answered is never among them.
     */
    private static final Duration ORPHAN_AFTER = Duration.ofHours(1);

    private final StateObjects objects;
    private final String folder;
    private final Supplier<UUID> ids;
    private final Clock clock;
    private final Duration orphanAfter;
    private final Executor sweeps;
    private volatile int inlineLimit;

    /**
     * @param prefix the archive's prefix in the bucket; states go under {@code <prefix>/_prism/commit-state/<group>/},
     *               which Hive-style readers skip (a leading underscore)
     */
    public CommitMetadata(StateObjects objects, String prefix, String group) {
        this(objects, prefix, group, UUID::randomUUID, KAFKA_DEFAULT_LIMIT, Clock.systemUTC(),
                ORPHAN_AFTER, Executors.newSingleThreadExecutor(CommitMetadata::sweeper));
    }

    /**
     * @param inlineLimit the longest metadata that goes inline, to begin with
     * @param orphanAfter how old a state object no commit names must be to be deleted ({@link #sweep})
     * @param sweeps      where orphaned state objects are looked for, away from the consumer's thread
     */
    CommitMetadata(StateObjects objects, String prefix, String group, Supplier<UUID> ids, int inlineLimit,
            Clock clock, Duration orphanAfter, Executor sweeps) {
        this.objects = objects;
        this.folder = (prefix.isEmpty() ? "" : prefix + "/") + "_prism/commit-state/" + group + "/";
        this.ids = ids;
        this.inlineLimit = inlineLimit;
        this.clock = clock;
        this.orphanAfter = orphanAfter;
        this.sweeps = sweeps;
    }

    private static Thread sweeper(Runnable sweep) {
        Thread thread = new Thread(sweep, "PrismCommitStateSweep");
        thread.setDaemon(true);
        return thread;
    }

    /** The metadata that carries {@code state} with {@code offset}; writes it to S3 first if it is too large. */
    String write(TopicPartition partition, long offset, CommitState state) {
        String inline = INLINE + state.toText(offset);
        if (inline.length() <= inlineLimit) {
            return inline;
        }
        String key = folder + partition.topic() + "/" + partition.partition() + "/"
                + String.format("%020d", offset) + "-" + ids.get() + ".state";
        objects.put(key, state.encode(offset));
        return IN_S3 + key;
    }

    /** The broker refused metadata as too large: its limit is below Kafka's default, so less goes inline. */
    void refusedAsTooLarge() {
        inlineLimit = Math.max(64, inlineLimit / 2);
        LOG.warn("The Kafka broker refused commit metadata as too large (offset.metadata.max.bytes is below {}):"
                + " states over {} characters now go to objects under {}", KAFKA_DEFAULT_LIMIT, inlineLimit, folder);
    }

    /**
     * The state committed with {@code committed}, or an empty one when there is none or it was written by an owner
     * that files records differently ({@code settingsHash}). A state of another incarnation of the topic than
     * {@code topicId} is returned as it is, for the caller to see that it describes other records. Retries S3 until it
     * answers.
     */
    CommitState read(TopicPartition partition, OffsetAndMetadata committed, int settingsHash, Uuid topicId)
            throws InterruptedException {
        String metadata = committed == null ? "" : committed.metadata();
        CommitState none = CommitState.empty(settingsHash, null);
        if (metadata == null || metadata.isEmpty()) {
            return none;
        }
        if (!metadata.startsWith(INLINE)) {
            LOG.warn("{} was committed at {} without a Prism LTS state (metadata '{}'): files cut above it by its"
                    + " previous owner may be written a second time", partition, committed.offset(), abbreviate(metadata));
            return none;
        }
        CommitState state;
        try {
            state = stateOf(metadata, committed.offset(), objects::get).orElseThrow();
        } catch (IllegalArgumentException e) {
            LOG.warn("The state committed with {} at {} cannot be read ({}): files cut above it may be written a"
                    + " second time", partition, committed.offset(), e.getMessage());
            return none;
        }
        if (state.topicId() != null && topicId != null && !state.topicId().equals(topicId)) {
            return state;
        }
        if (state.settingsHash() != settingsHash) {
            LOG.warn("{} was committed at {} by a replica that files records differently (another"
                    + " prism.metric-date.*, prism.flush.size, prism.topic.<topic>.* or prism.decoder): records above it are archived again"
                    + " as this replica files them, and some may then be archived twice; none is lost",
                    partition, committed.offset());
            return CommitState.empty(settingsHash, state.topicId());
        }
        return state;
    }

    /**
     * The state that commit metadata {@code text} carries with offset {@code committed}, read from {@code objects} when
     * the metadata names one there; empty when the metadata is not Prism LTS's. Also for tools that read a group's
     * offsets (the audit).
     *
     * @throws IllegalArgumentException when the state cannot be read: damaged, or its object gone
     */
    public static Optional<CommitState> stateOf(String text, long committed, ObjectReader objects)
            throws InterruptedException {
        if (text == null || !text.startsWith(INLINE)) {
            return Optional.empty();
        }
        return Optional.of(text.startsWith(IN_S3) ? fetch(objects, text.substring(IN_S3.length()), committed)
                : CommitState.fromText(text.substring(INLINE.length()), committed));
    }

    private static CommitState fetch(ObjectReader objects, String key, long offset) throws InterruptedException {
        byte[] bytes = objects.read(key);
        if (bytes == null) {
            throw new IllegalArgumentException(key + " does not exist");
        }
        return CommitState.decode(bytes, offset);
    }

    /**
     * Deletes the state objects of {@code partition} no commit can name any more: left by a commit whose answer was
     * lost (it may have been applied, so its object was kept), or by an owner that died between writing an object and
     * deleting the one before. Those older than {@code orphanAfter} but the one {@code committed} names go; called when
     * a consumer takes the partition, which then owns its commits. Runs on a thread of its own, and a failure only
     * leaves them for the next time.
     */
    void sweep(TopicPartition partition, OffsetAndMetadata committed) {
        String keep = committed == null ? null : objectOf(committed.metadata()).orElse(null);
        Instant before = clock.instant().minus(orphanAfter);
        String under = folder + partition.topic() + "/" + partition.partition() + "/";
        sweeps.execute(() -> {
            try {
                for (StateObjects.Listed object : objects.list(under)) {
                    if (!object.key().equals(keep) && object.written().isBefore(before)) {
                        objects.delete(object.key());
                        LOG.info("Deleted the commit state {}, which no commit names: an orphan", object.key());
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("Could not look for orphaned commit states of {}: {}", partition, e.getMessage());
            }
        });
    }

    /** How {@link #stateOf} reads a state object: its bytes, or null when there is none. */
    @FunctionalInterface
    public interface ObjectReader {
        byte[] read(String key) throws InterruptedException;
    }

    /** The key of the object that commit metadata {@code text} names, if it names one. */
    static Optional<String> objectOf(String text) {
        return text != null && text.startsWith(IN_S3) ? Optional.of(text.substring(IN_S3.length())) : Optional.empty();
    }

    /** The state object under {@code key} is named by no commit any more (replaced by a later one, or refused). */
    void forget(String key) {
        objects.delete(key);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
