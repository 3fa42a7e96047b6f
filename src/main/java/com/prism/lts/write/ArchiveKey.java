package com.prism.lts.write;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an archive file lives:
 * {@code <prefix>/<topic>/year=YYYY/month=MM/day=DD/<topic>+<partition>+<startOffset>.avro}.
 * <p>
 * The key depends only on the data (the start offset is padded to 10 digits, as Kafka Connect's S3 sink does), so
 * writing the same batch again finds its own file under the key instead of adding a copy. In the rare case that the
 * key is taken by a file that holds other records under the same start offset (left by another sink, or by a topic
 * of the same name deleted and created again), the records go to a variant of the key,
 * {@code <topic>+<partition>+<startOffset>-<n>.avro}.
 */
public record ArchiveKey(String prefix, String topic, LocalDate day, int partition, long startOffset, int variant) {

    private static final Pattern KEY = Pattern.compile(
            "(?:(.*)/)?([^/]+)/year=(\\d{4})/month=(\\d{2})/day=(\\d{2})/\\2\\+(\\d+)\\+(\\d+)(?:-([1-9]\\d{0,8}))?"
                    + "\\.avro");

    public static ArchiveKey of(String prefix, String topic, LocalDate day, int partition, long startOffset) {
        return new ArchiveKey(prefix, topic, day, partition, startOffset, 0);
    }

    /** The next variant of this key. */
    public ArchiveKey nextVariant() {
        return new ArchiveKey(prefix, topic, day, partition, startOffset, variant + 1);
    }

    /** The folder of one topic's day, with a trailing slash. */
    public static String dayFolder(String prefix, String topic, LocalDate day) {
        return (prefix.isEmpty() ? "" : prefix + "/") + topic + String.format("/year=%04d/month=%02d/day=%02d/",
                day.getYear(), day.getMonthValue(), day.getDayOfMonth());
    }

    /** Reads a key back; empty for keys that are not archive files. */
    public static Optional<ArchiveKey> parse(String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ArchiveKey(m.group(1) == null ? "" : m.group(1), m.group(2),
                    LocalDate.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                            Integer.parseInt(m.group(5))),
                    Integer.parseInt(m.group(6)), Long.parseLong(m.group(7)),
                    m.group(8) == null ? 0 : Integer.parseInt(m.group(8))));
        } catch (DateTimeException | NumberFormatException e) {
            // Shaped like an archive key, but no batch could have been written there (month=13, an offset past
            // Long.MAX_VALUE): a foreign object in the bucket, which a listing must skip rather than fail on.
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return dayFolder(prefix, topic, day) + String.format("%s+%d+%010d", topic, partition, startOffset)
                + (variant == 0 ? "" : "-" + variant) + ".avro";
    }
}
