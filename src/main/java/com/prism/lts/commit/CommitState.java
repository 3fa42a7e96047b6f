package com.prism.lts.commit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.Uuid;

/**
 * What a partition's next owner cannot work out from the records themselves, committed with the offset in its
 * metadata: which files above the committed offset exist or are being written, each by its first and last offset,
 * whether it is known to be in S3, and which records above it went to the dead-letter topic.
 * <p>
 * Files cut at the flush size can be cut again from where they start, but files cut by time (quiet period, maximum
 * age, too many open batches, a stop) cannot, and some files above the committed offset are already in S3 while an
 * older batch of another day holds the commit back. With this state the next owner skips what is in S3 and gathers
 * the rest into exactly the files this owner cut, under the same keys.
 * <p>
 * A file of a stream holds every record of that stream from its first to its last offset, but those of files nested
 * inside it (a file its owner gathered again for a previous owner while its own batch of the same stream was open):
 * an owner routes every record it reads, in offset order, and gives up a partition's ledger at the first poll its route
 * fails on, so nothing of a stream between a file's ends escapes it.
 * <p>
 * Encoding (docs/exactly-once.md): Avro binary values, version first; offsets relative to the committed offset.
 *
 * @param settingsHash  {@link com.prism.lts.config.ArchiveSettings#decisionHash()} of the owner that wrote it: files
 *                      are only meaningful to an owner that files records the same way
 * @param topicId       the topic's id when it was written (null if unknown): a topic deleted and created again under the
 *                      same name has another one, and this state does not describe its records
 * @param leaderEpoch   the leader epoch of the last record its writer had read (null if unknown): a record it
 *                      describes that is read again with a higher one is another record, put there by an unclean
 *                      leader election, and from its offset on this state describes nothing
 * @param cuts          per stream, its files that end at or above the committed offset, in the order of their ends
 * @param deadLettered  offsets at or above the committed offset that are in the dead-letter topic
 */
public record CommitState(int settingsHash, Uuid topicId, Integer leaderEpoch, SortedMap<StreamKey, List<Cut>> cuts,
        SortedSet<Long> deadLettered) {

    /** The version of this encoding, its first value. */
    public static final int VERSION = 2;

    /**
     * One file of a stream.
     *
     * @param first the offset of its first record
     * @param end   the offset of its last record
     * @param done  whether it is known to be in S3; if not, it may or may not be, and must be written again the same
     */
    public record Cut(long first, long end, boolean done) {
    }

    public static CommitState empty(int settingsHash, Uuid topicId) {
        return new CommitState(settingsHash, topicId, null, new TreeMap<>(), new TreeSet<>());
    }

    public boolean isEmpty() {
        return cuts.isEmpty() && deadLettered.isEmpty();
    }

    /** The state as bytes, offsets written relative to {@code committed}. */
    public byte[] encode(long committed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            out.writeInt(VERSION);
            out.writeFixed(ByteBuffer.allocate(4).putInt(settingsHash).array());
            out.writeBoolean(topicId != null);
            if (topicId != null) {
                out.writeFixed(ByteBuffer.allocate(16).putLong(topicId.getMostSignificantBits())
                        .putLong(topicId.getLeastSignificantBits()).array());
            }
            out.writeInt(leaderEpoch == null ? -1 : leaderEpoch);
            List<String> schemaIds = cuts.keySet().stream().map(StreamKey::schemaId).distinct().sorted().toList();
            Map<String, Integer> schemaIndex = new HashMap<>();
            out.writeArrayStart();
            out.setItemCount(schemaIds.size());
            for (String id : schemaIds) {
                out.startItem();
                schemaIndex.put(id, schemaIndex.size());
                out.writeString(id);
            }
            out.writeArrayEnd();
            out.writeArrayStart();
            out.setItemCount(cuts.size());
            long previousDay = 0;
            for (Map.Entry<StreamKey, List<Cut>> stream : cuts.entrySet()) {
                out.startItem();
                long day = stream.getKey().day().toEpochDay();
                out.writeLong(day - previousDay);
                previousDay = day;
                out.writeInt(schemaIndex.get(stream.getKey().schemaId()));
                out.writeArrayStart();
                out.setItemCount(stream.getValue().size());
                long previousEnd = committed;
                for (Cut cut : stream.getValue()) {
                    out.startItem();
                    out.writeLong((cut.end() - previousEnd) << 1 | (cut.done() ? 1 : 0));
                    out.writeLong(cut.end() - cut.first());
                    previousEnd = cut.end();
                }
                out.writeArrayEnd();
            }
            out.writeArrayEnd();
            List<long[]> runs = runs(deadLettered);
            out.writeArrayStart();
            out.setItemCount(runs.size());
            long previousEnd = committed;
            for (long[] run : runs) {
                out.startItem();
                out.writeLong(run[0] - previousEnd);
                out.writeLong(run[1] - run[0]);
                previousEnd = run[1];
            }
            out.writeArrayEnd();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #encode} wrote for the same committed offset. A state of version 1 (before files had their
     * first offset) is read as its writer meant it: a file begins after the end of the one before it in its stream,
     * the first at the committed offset.
     */
    public static CommitState decode(byte[] bytes, long committed) {
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            int version = in.readInt();
            if (version != 1 && version != VERSION) {
                throw new IllegalArgumentException("commit state version " + version + " is not known here");
            }
            byte[] hash = new byte[4];
            in.readFixed(hash);
            Uuid topicId = null;
            if (version >= 2 && in.readBoolean()) {
                byte[] id = new byte[16];
                in.readFixed(id);
                ByteBuffer buffer = ByteBuffer.wrap(id);
                topicId = new Uuid(buffer.getLong(), buffer.getLong());
            }
            Integer leaderEpoch = null;
            if (version >= 2) {
                int epoch = in.readInt();
                leaderEpoch = epoch < 0 ? null : epoch;
            }
            List<String> schemaIds = new ArrayList<>();
            for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                for (long i = 0; i < n; i++) {
                    schemaIds.add(in.readString());
                }
            }
            SortedMap<StreamKey, List<Cut>> cuts = new TreeMap<>();
            long day = 0;
            for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                for (long i = 0; i < n; i++) {
                    day += in.readLong();
                    StreamKey stream = new StreamKey(LocalDate.ofEpochDay(day), schemaIds.get(in.readInt()));
                    List<Cut> streamCuts = new ArrayList<>();
                    long end = committed;
                    long nextFirst = committed;
                    for (long m = in.readArrayStart(); m != 0; m = in.arrayNext()) {
                        for (long j = 0; j < m; j++) {
                            long value = in.readLong();
                            end += value >>> 1;
                            long first = version == 1 ? nextFirst : end - in.readLong();
                            streamCuts.add(new Cut(first, end, (value & 1) == 1));
                            nextFirst = end + 1;
                        }
                    }
                    cuts.put(stream, streamCuts);
                }
            }
            SortedSet<Long> deadLettered = new TreeSet<>();
            long previousEnd = committed;
            for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                for (long i = 0; i < n; i++) {
                    long start = previousEnd + in.readLong();
                    long end = start + in.readLong();
                    for (long offset = start; offset <= end; offset++) {
                        deadLettered.add(offset);
                    }
                    previousEnd = end;
                }
            }
            if (!in.isEnd()) {
                throw new IllegalArgumentException("the commit state has bytes past its end");
            }
            return new CommitState(ByteBuffer.wrap(hash).getInt(), topicId, leaderEpoch, cuts, deadLettered);
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("the commit state cannot be read: " + e.getMessage(), e);
        }
    }

    /** Base64 (URL alphabet, no padding) of {@link #encode}: the text that travels in the commit's metadata. */
    public String toText(long committed) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(encode(committed));
    }

    public static CommitState fromText(String text, long committed) {
        try {
            return decode(Base64.getUrlDecoder().decode(text), committed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the commit state cannot be read: " + e.getMessage(), e);
        }
    }

    /** Consecutive offsets as [first, last] runs: dead letters tend to come in bursts. */
    private static List<long[]> runs(SortedSet<Long> offsets) {
        List<long[]> runs = new ArrayList<>();
        for (long offset : offsets) {
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[1] + 1 == offset) {
                last[1] = offset;
            } else {
                runs.add(new long[] {offset, offset});
            }
        }
        return runs;
    }
}
