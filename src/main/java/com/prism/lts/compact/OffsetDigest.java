package com.prism.lts.compact;

/**
 * A digest of a set of (partition, offset) pairs that does not depend on their order: how many, and two sums of
 * differently mixed 64-bit hashes of each pair. The digest of a small file's offsets (from its header) is compared with
 * the digest of the table's rows that name that file: equal, with the day's offsets each once in the table, proves the
 * file's every offset is in the table once (two sets that differ have equal digests with a probability of about
 * 2^-128).
 */
final class OffsetDigest {

    private long count;
    private long first;
    private long second;

    void add(int partition, long offset) {
        long pair = mix(offset) + partition;
        count++;
        first += mix(pair ^ 0x9E3779B97F4A7C15L);
        second += mix(pair * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L);
    }

    /** Adds the pairs of {@code other}: the digest of the union of two disjoint sets. */
    void add(OffsetDigest other) {
        count += other.count;
        first += other.first;
        second += other.second;
    }

    long count() {
        return count;
    }

    /** SplitMix64's finaliser: every input bit changes about half of the output bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OffsetDigest digest && digest.count == count && digest.first == first
                && digest.second == second;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(first);
    }
}
