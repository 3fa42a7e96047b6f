package com.prism.lts.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * A set of Kafka offsets as a bitmap in chunks of 65,536 offsets (8 KB each), allocated where offsets are: one bit an
 * offset, so a partition with 250 million archived offsets needs about 31 MB, whatever its first offset.
 */
public final class OffsetSet {

    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;

    private final TreeMap<Long, long[]> chunks = new TreeMap<>();
    private long size;

    /** Adds {@code offset}; false if it was there already. */
    public boolean add(long offset) {
        long[] chunk = chunks.computeIfAbsent(offset >>> CHUNK_BITS, c -> new long[CHUNK / 64]);
        int bit = (int) (offset & (CHUNK - 1));
        long mask = 1L << (bit & 63);
        if ((chunk[bit >>> 6] & mask) != 0) {
            return false;
        }
        chunk[bit >>> 6] |= mask;
        size++;
        return true;
    }

    public boolean contains(long offset) {
        long[] chunk = chunks.get(offset >>> CHUNK_BITS);
        int bit = (int) (offset & (CHUNK - 1));
        return chunk != null && (chunk[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The lowest offset, or -1 for an empty set. */
    public long first() {
        for (Map.Entry<Long, long[]> chunk : chunks.entrySet()) {
            long[] words = chunk.getValue();
            for (int w = 0; w < words.length; w++) {
                if (words[w] != 0) {
                    return (chunk.getKey() << CHUNK_BITS) + w * 64L + Long.numberOfTrailingZeros(words[w]);
                }
            }
        }
        return -1;
    }

    /** The highest offset, or -1 for an empty set. */
    public long last() {
        for (Map.Entry<Long, long[]> chunk : chunks.descendingMap().entrySet()) {
            long[] words = chunk.getValue();
            for (int w = words.length - 1; w >= 0; w--) {
                if (words[w] != 0) {
                    return (chunk.getKey() << CHUNK_BITS) + w * 64L + 63 - Long.numberOfLeadingZeros(words[w]);
                }
            }
        }
        return -1;
    }

    /** Gives each offset of the set, in increasing order. */
    public void forEach(LongConsumer action) {
        for (Map.Entry<Long, long[]> chunk : chunks.entrySet()) {
            long base = chunk.getKey() << CHUNK_BITS;
            long[] words = chunk.getValue();
            for (int w = 0; w < words.length; w++) {
                for (long bits = words[w]; bits != 0; bits &= bits - 1) {
                    action.accept(base + w * 64L + Long.numberOfTrailingZeros(bits));
                }
            }
        }
    }

    /** The offsets of {@code [from, to)} that are in this set, as ranges {@code [first, last]}. */
    public List<long[]> ranges(long from, long to) {
        List<long[]> ranges = new ArrayList<>();
        long start = -1;
        for (long offset = from; offset < to; offset++) {
            boolean in = contains(offset);
            if (in && start < 0) {
                start = offset;
            } else if (!in && start >= 0) {
                ranges.add(new long[] {start, offset - 1});
                start = -1;
            }
        }
        if (start >= 0) {
            ranges.add(new long[] {start, to - 1});
        }
        return ranges;
    }
}
