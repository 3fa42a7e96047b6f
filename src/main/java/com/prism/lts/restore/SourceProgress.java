package com.prism.lts.restore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import com.prism.lts.audit.OffsetSet;
import com.prism.lts.restore.PartitionRestore.Source;

/**
 * How far a restore job got with one source partition.
 * <p>
 * Its checkpoint is an offset below which every record of the files listed is in the target ({@code covered}), and a
 * digest of those files (their keys and ETags): a run that lists the same files below it skips every record there;
 * one that lists others (a file written after an earlier run, by an archiver that caught up) cannot trust it and
 * learns what the target holds by reading it. The covered offset only passes a record once Kafka acknowledged it, and
 * every record below it: a record refused for good, or still in flight, holds it, however many records after it were
 * acknowledged. Those are read back from the target at the next start, never produced twice.
 * <p>
 * A record is named by its source offset, the topic id of its file ({@code ""} for files of format versions 1 and 2)
 * and its rank among the different records of that id at that offset (more than one only when files without a topic
 * id hold two records at one offset: a topic deleted and created again before format version 3).
 */
final class SourceProgress {

    /** The first offset of each file listed, in increasing order, and the digest of the files up to each one. */
    private final long[] firstOffsets;
    private final long[] digests;
    /** Valid for the files listed now: every record below it is in the target. */
    private long loadedCovered = -1;
    /** Offsets of records sent and not acknowledged (or refused for good), with how many. */
    private final TreeMap<Long, Integer> unacknowledged = new TreeMap<>();
    /** Every record below it was sent or skipped in this run. */
    private long next = -1;
    /** Acknowledged records at or above the covered offset: {source offset, target offset}, as acknowledged. */
    private final Deque<long[]> ahead = new ArrayDeque<>();
    /** The records of this job the target held past its checkpoint at the start: topic id -> source offsets. */
    private final Map<String, OffsetSet> found = new HashMap<>();
    /** Source offsets found more than once with the same topic id: how many more. */
    private final Map<String, Map<Long, Integer>> foundMore = new HashMap<>();
    private long lastFound = -1;

    /** @param files this partition's files and compacted days, in the order of their first offsets */
    SourceProgress(List<? extends Source> files) {
        firstOffsets = files.stream().mapToLong(Source::firstOffset).toArray();
        digests = new long[files.size() + 1];
        for (int i = 0; i < files.size(); i++) {
            digests[i + 1] = digests[i] + hash(files.get(i).key() + "\n" + files.get(i).eTag());
        }
    }

    /**
     * The checkpoint as saved, {@code covered:files:digest}, with what the target's saved offset must not pass: the
     * records found at the start if they are not all covered yet, and the first acknowledged record not covered yet.
     */
    record Snapshot(String encoded, boolean holdsFound, OptionalLong firstAhead) {
    }

    synchronized Snapshot snapshot() {
        long covered = covered();
        int files = filesBelow(covered);
        while (!ahead.isEmpty() && ahead.peekFirst()[0] < covered) {
            ahead.pollFirst();
        }
        return new Snapshot(covered + ":" + files + ":" + Long.toHexString(digests[files]), lastFound >= covered,
                ahead.isEmpty() ? OptionalLong.empty() : OptionalLong.of(ahead.peekFirst()[1]));
    }

    /**
     * Takes up a saved checkpoint.
     *
     * @return false when the files listed below its covered offset are not those it was saved with: what the target
     *         holds must then be read to know what to skip
     */
    synchronized boolean load(String saved) {
        String[] parts = saved.split(":");
        try {
            long covered = Long.parseLong(parts[0]);
            int files = filesBelow(covered);
            if (parts.length == 3 && files == Integer.parseInt(parts[1])
                    && digests[files] == Long.parseUnsignedLong(parts[2], 16)) {
                loadedCovered = covered;
                return true;
            }
        } catch (NumberFormatException e) {
            // not a checkpoint this version wrote
        }
        return false;
    }

    /** A record of this job that the target holds, found at the start. */
    synchronized void found(String topicId, long offset) {
        if (!found.computeIfAbsent(topicId, id -> new OffsetSet()).add(offset)) {
            foundMore.computeIfAbsent(topicId, id -> new HashMap<>()).merge(offset, 1, Integer::sum);
        }
        lastFound = Math.max(lastFound, offset);
    }

    /** Whether the record of {@code topicId} of this rank at {@code offset} is in the target already. */
    synchronized boolean produced(String topicId, long offset, int rank) {
        if (offset < loadedCovered) {
            return true;
        }
        OffsetSet held = found.get(topicId);
        return held != null && held.contains(offset)
                && rank <= foundMore.getOrDefault(topicId, Map.of()).getOrDefault(offset, 0);
    }

    /** The merge reached {@code offset}: every record below it was sent or skipped; {@code records} are sent now. */
    synchronized void sending(long offset, int records) {
        next = offset;
        if (records > 0) {
            unacknowledged.merge(offset, records, Integer::sum);
        }
    }

    /** Every record at {@code offset} was sent or skipped. */
    synchronized void sent(long offset) {
        next = offset + 1;
    }

    synchronized void acknowledged(long offset, long targetOffset) {
        unacknowledged.computeIfPresent(offset, (o, left) -> left == 1 ? null : left - 1);
        if (offset >= covered()) {
            ahead.add(new long[] {offset, targetOffset});
        }
    }

    /** Every record below it is in the target. */
    private long covered() {
        long run = unacknowledged.isEmpty() ? next : Math.min(unacknowledged.firstKey(), next);
        return Math.max(loadedCovered, run);
    }

    /** How many files are listed with a first offset below {@code offset}. */
    private int filesBelow(long offset) {
        int at = Arrays.binarySearch(firstOffsets, offset);
        if (at < 0) {
            return -at - 1;
        }
        while (at > 0 && firstOffsets[at - 1] == offset) {
            at--;
        }
        return at;
    }

    private static long hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long hash = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                hash = hash << 8 | digest[i] & 0xff;
            }
            return hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
