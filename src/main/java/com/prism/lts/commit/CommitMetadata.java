package com.prism.lts.commit;

import java.util.Optional;
import java.util.UUID;
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

    private final StateObjects objects;
    private final String folder;
    private final Supplier<UUID> ids;
    private volatile int inlineLimit;

    /**
     * @param prefix the archive's prefix in the bucket; states go under {@code <prefix>/_prism/commit-state/<group>/},
     *               which Hive-style readers skip (a leading underscore)
     */
    public CommitMetadata(StateObjects objects, String prefix, String group) {
        this(objects, prefix, group, UUID::randomUUID, KAFKA_DEFAULT_LIMIT);
    }

    /** @param inlineLimit the longest metadata that goes inline, to begin with */
    CommitMetadata(StateObjects objects, String prefix, String group, Supplier<UUID> ids, int inlineLimit) {
        this.objects = objects;
        this.folder = (prefix.isEmpty() ? "" : prefix + "/") + "_prism/commit-state/" + group + "/";
        this.ids = ids;
        this.inlineLimit = inlineLimit;
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
            state = metadata.startsWith(IN_S3)
                    ? fetch(metadata.substring(IN_S3.length()), committed.offset())
                    : CommitState.fromText(metadata.substring(INLINE.length()), committed.offset());
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

    private CommitState fetch(String key, long offset) throws InterruptedException {
        byte[] bytes = objects.get(key);
        if (bytes == null) {
            throw new IllegalArgumentException(key + " does not exist");
        }
        return CommitState.decode(bytes, offset);
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
