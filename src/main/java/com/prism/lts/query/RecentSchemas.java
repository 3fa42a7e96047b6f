package com.prism.lts.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.prism.lts.ToolFailure;
import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.Provenance;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The writer schemas of a topic's recent days, from the small files' headers: of each of the last days that hold
 * files, the first and the last file of each partition (a file's header holds its writer schema; only the header is
 * read). The reader schema of a table over them is the one that reads all the others by Avro's rules (fields it adds
 * have defaults, fields it drops are skipped), the highest registry id first.
 */
final class RecentSchemas {

    private static final Pattern DAY = Pattern.compile(".*/year=(\\d{4})/month=(\\d{2})/day=(\\d{2})/$");

    /** What was found: the schemas by id, the reader among them, the first year archived and the last day. */
    record Found(Map<String, Schema> byId, String readerId, int firstYear, LocalDate lastDay) {
        Schema reader() {
            return byId.get(readerId);
        }
    }

    private RecentSchemas() {
    }

    /**
     * @param folder the topic's folder in the bucket, {@code prefix/topic/}
     * @param days   how many of the last days with files to read
     * @throws ToolFailure when the topic has no files, or no schema reads all the others
     */
    static Found of(ArchiveBucket bucket, String folder, String topic, int days) {
        List<LocalDate> all = days(bucket, folder);
        if (all.isEmpty()) {
            throw new ToolFailure("s3://" + bucket.name() + "/" + folder + " holds no day folders of " + topic
                    + ": check --topic and --prefix");
        }
        Map<String, Schema> byId = new TreeMap<>();
        for (LocalDate day : all.subList(Math.max(0, all.size() - days), all.size())) {
            Map<Integer, List<String>> byPartition = new TreeMap<>();
            for (S3Object object : bucket.objects(folder + String.format("year=%04d/month=%02d/day=%02d/",
                    day.getYear(), day.getMonthValue(), day.getDayOfMonth()))) {
                ArchiveKey.parse(object.key()).filter(key -> key.topic().equals(topic)).ifPresent(key -> byPartition
                        .computeIfAbsent(key.partition(), p -> new ArrayList<>()).add(object.key()));
            }
            for (List<String> keys : byPartition.values()) {
                keys.sort(Comparator.naturalOrder());
                read(bucket, keys.get(0), byId);
                read(bucket, keys.get(keys.size() - 1), byId);
            }
        }
        if (byId.isEmpty()) {
            throw new ToolFailure("the last " + days + " days of s3://" + bucket.name() + "/" + folder
                    + " hold no archive files of " + topic);
        }
        return new Found(byId, reader(byId, topic), all.get(0).getYear(), all.get(all.size() - 1));
    }

    /** The days of the topic's folder that hold files, in order. */
    private static List<LocalDate> days(ArchiveBucket bucket, String folder) {
        TreeSet<LocalDate> days = new TreeSet<>();
        for (String year : folders(bucket, folder)) {
            for (String month : folders(bucket, year)) {
                for (String day : folders(bucket, month)) {
                    Matcher m = DAY.matcher(day);
                    if (m.matches()) {
                        days.add(LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                                Integer.parseInt(m.group(3))));
                    }
                }
            }
        }
        return new ArrayList<>(days);
    }

    private static List<String> folders(ArchiveBucket bucket, String prefix) {
        return bucket.call(prefix, () -> bucket.client().listObjectsV2Paginator(b -> b.bucket(bucket.name())
                .prefix(prefix).delimiter("/")).commonPrefixes().stream().map(p -> p.prefix()).toList());
    }

    /** Reads a file's header (only as many bytes as it takes) and keeps its writer schema. */
    private static void read(ArchiveBucket bucket, String key, Map<String, Schema> byId) {
        try (InputStream in = bucket.open(key);
                DataFileStream<Object> file = new DataFileStream<>(in, new GenericDatumReader<>())) {
            String id = Optional.ofNullable(Provenance.of(file).schemaId()).orElse("fp-unknown");
            byId.putIfAbsent(id, file.getSchema());
        } catch (IOException e) {
            throw new UncheckedIOException("s3://" + bucket.name() + "/" + key + " cannot be read", e);
        }
    }

    /** The schema that reads every other, the highest registry id first; none is a failure naming the ids. */
    private static String reader(Map<String, Schema> byId, String topic) {
        List<String> ids = new ArrayList<>(byId.keySet());
        ids.sort(Comparator.comparing((String id) -> id.matches("\\d+") ? Long.parseLong(id) : -1L).reversed());
        for (String candidate : ids) {
            Schema reader = AthenaTable.readerSchema(byId.get(candidate)).schema();
            if (byId.values().stream().allMatch(writer -> SchemaCompatibility.checkReaderWriterCompatibility(reader,
                    writer).getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE)) {
                return candidate;
            }
        }
        throw new ToolFailure("no writer schema of " + topic + " reads all the others (schemas "
                + String.join(", ", byId.keySet()) + "): one table cannot cover the recent days");
    }
}
