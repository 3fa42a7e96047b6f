package com.prism.lts.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.prism.lts.testing.S3Server.ArchiveFile;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.Provenance;
import org.apache.avro.generic.GenericRecord;

/** Everything in an archive bucket, read back with Avro's own reader: what the tests compare with what was sent. */
public record ArchiveContents(Map<String, ArchiveFile> files) {

    public static ArchiveContents read(S3Server s3, String bucket, String prefix) {
        Map<String, ArchiveFile> files = new HashMap<>();
        for (String key : s3.keys(bucket, prefix)) {
            files.put(key, s3.read(bucket, key));
        }
        return new ArchiveContents(files);
    }

    /**
     * One archived record with where the archive says it came from: {@code topicId} is the topic incarnation its file
     * names ({@code prism.topic.id}), null for a file that names none.
     */
    public record Archived(String key, ArchiveKey archiveKey, String topicId, int partition, long offset,
            long timestamp, GenericRecord event) {
    }

    public List<Archived> records() {
        List<Archived> records = new ArrayList<>();
        files.forEach((key, file) -> {
            ArchiveKey archiveKey = ArchiveKey.parse(key).orElseThrow(() -> new AssertionError("not an archive key: "
                    + key));
            long[] offsets = Provenance.decode(file.meta().get(Provenance.OFFSETS));
            long[] timestamps = Provenance.decode(file.meta().get(Provenance.TIMESTAMPS));
            byte[] topicId = file.meta().get(Provenance.TOPIC_ID);
            if (offsets.length != file.records().size() || timestamps.length != offsets.length) {
                throw new AssertionError(key + " names " + offsets.length + " offsets for " + file.records().size()
                        + " records");
            }
            for (int i = 0; i < offsets.length; i++) {
                records.add(new Archived(key, archiveKey, topicId == null ? null
                        : new String(topicId, StandardCharsets.UTF_8), archiveKey.partition(), offsets[i],
                        timestamps[i], file.records().get(i)));
            }
        });
        return records;
    }
}
