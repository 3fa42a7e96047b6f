package com.prism.lts.commit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import com.prism.lts.upload.ArchiveStore;
import com.prism.lts.write.Provenance;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * The bucket of the ledger simulation: archive files under their keys, with S3's conditional writes, and the commit
 * states too large for Kafka's metadata ({@link #states()}). It watches the one thing S3 itself must never be made to
 * do: replace a file by one that lacks some of its records.
 */
final class SimulatedBucket implements ArchiveStore {

    private final Map<String, Stored> files = new TreeMap<>();
    private final Map<String, byte[]> states = new HashMap<>();
    private final Map<String, Instant> statesWritten = new HashMap<>();
    private final Map<String, Held> read = new HashMap<>();
    private final List<String> violations;
    private int eTags;

    /** The records (uids) of one file, and the topic id it names (null if none). */
    private record Held(List<Long> uids, String topicId) {
    }

    SimulatedBucket(List<String> violations) {
        this.violations = violations;
    }

    @Override
    public Optional<Stored> get(String key) {
        return Optional.ofNullable(files.get(key));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] file, Map<String, String> metadata) {
        if (files.containsKey(key)) {
            return false;
        }
        files.put(key, new Stored(file, "etag-" + ++eTags));
        return true;
    }

    @Override
    public boolean putIfMatch(String key, byte[] file, Map<String, String> metadata, String eTag) {
        Stored existing = files.get(key);
        if (existing == null || !existing.eTag().equals(eTag)) {
            return false;
        }
        Stored replacement = new Stored(file, "etag-" + ++eTags);
        Set<Long> lacking = new HashSet<>(held(existing).uids());
        lacking.removeAll(held(replacement).uids());
        if (!lacking.isEmpty()) {
            violations.add("s3://" + key + " was replaced by a file that lacks records " + lacking);
        }
        files.put(key, replacement);
        return true;
    }

    /** How many files hold each record. */
    Map<Long, Integer> copies() {
        Map<Long, Integer> copies = new HashMap<>();
        files.values().forEach(stored -> held(stored).uids().forEach(uid -> copies.merge(uid, 1, Integer::sum)));
        return copies;
    }

    /** For each record, the topic id named by each file that holds it (null for a file that names none). */
    Map<Long, List<String>> topicIds() {
        Map<Long, List<String>> ids = new HashMap<>();
        files.values().forEach(stored -> {
            Held held = held(stored);
            held.uids().forEach(uid -> ids.computeIfAbsent(uid, u -> new ArrayList<>()).add(held.topicId()));
        });
        return ids;
    }

    /** The keys of the files that hold record {@code uid}. */
    List<String> keysHolding(long uid) {
        List<String> keys = new ArrayList<>();
        files.forEach((key, stored) -> {
            if (held(stored).uids().contains(uid)) {
                keys.add(key);
            }
        });
        return keys;
    }

    private Held held(Stored stored) {
        return read.computeIfAbsent(stored.eTag(), tag -> read(stored.bytes()));
    }

    private static Held read(byte[] file) {
        List<Long> uids = new ArrayList<>();
        try (DataFileStream<GenericRecord> records = new DataFileStream<>(new ByteArrayInputStream(file),
                new GenericDatumReader<>())) {
            String topicId = records.getMetaString(Provenance.TOPIC_ID);
            for (GenericRecord record : records) {
                uids.add((Long) record.get("uid"));
            }
            return new Held(uids, topicId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- commit states

    /** The commit states kept in the bucket, each written at the time {@code clock} tells. */
    StateObjects states(Supplier<Instant> clock) {
        return new StateObjects() {
            @Override
            public void put(String key, byte[] bytes) {
                states.put(key, bytes);
                statesWritten.put(key, clock.get());
            }

            @Override
            public byte[] get(String key) {
                return states.get(key);
            }

            @Override
            public void delete(String key) {
                states.remove(key);
                statesWritten.remove(key);
            }

            @Override
            public List<Listed> list(String prefix) {
                return statesWritten.entrySet().stream().filter(state -> state.getKey().startsWith(prefix))
                        .map(state -> new Listed(state.getKey(), state.getValue())).toList();
            }
        };
    }

    byte[] state(String key) {
        return states.get(key);
    }
}
