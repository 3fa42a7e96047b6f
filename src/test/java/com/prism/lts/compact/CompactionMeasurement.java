package com.prism.lts.compact;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.prism.lts.config.SettingDefaults;
import com.prism.lts.decode.ConfluentAvroDecoder;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.EmbeddedKafka;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.JavaProcess;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.TestSettings;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Measures compaction for docs/performance.md, on the benchmark's data set (demo events over 30 days on 6 partitions,
 * no keys, archived as shipped: 250 records a file, deflate): objects and bytes per closed day before and after,
 * compaction records/s and CPU seconds (the compactor in a JVM of its own, as the CronJob runs it), and the Parquet
 * bytes per record of each column against Avro-deflate. Run once by hand:
 * {@code scripts/run-test-main com.prism.lts.compact.CompactionMeasurement -Xmx3g 1000000}.
 */
public final class CompactionMeasurement {

    private static final String TOPIC = "measured";
    private static final String BUCKET = "prism-lts";

    private CompactionMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path work = Files.createTempDirectory("prism-measure");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
                EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"))) {
            s3.createBucket(BUCKET);
            Path schemas = Files.createDirectories(work.resolve("schemas"));
            Events.publishSchema(schemas, Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
            kafka.createTopic(TOPIC, 6);
            DemoEvents events = new DemoEvents(LocalDate.of(2018, 1, 1), 30, 1);
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                for (long i = 0; i < records; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, (int) (i % 6), null,
                            ConfluentAvroDecoder.frame(Events.DEMO_SCHEMA_ID, DemoEvents.encode(events.event(i)))));
                }
            }
            Map<String, String> settings = new HashMap<>(TestSettings.of(kafka, s3, schemas, TOPIC));
            settings.put("prism.flush.quiet-ms", "2000");
            settings.put("prism.compact.catalog.uri", "jdbc:sqlite:" + work.resolve("catalog.db"));
            long started = System.nanoTime();
            try (RunningArchive archive = RunningArchive.start(settings)) {
                while (kafka.committed(settings.get("prism.kafka.group-id"), TOPIC).values().stream()
                        .mapToLong(Long::longValue).sum() < records) {
                    Thread.sleep(500);
                }
            }
            System.out.printf("archived %,d records in %.1f s%n", records, (System.nanoTime() - started) / 1e9);
            Map<String, long[]> before = objects(s3.objects(BUCKET, "topics/" + TOPIC + "/"));

            Properties defaults = SettingDefaults.builtIn();
            long wall = System.nanoTime();
            String finished;
            try (JavaProcess compactor = JavaProcess.start(List.of("-Xmx1g"), settings,
                    PausingCompactor.class.getName(), List.of("NONE"), work.resolve("compactor.log"))) {
                while (compactor.isAlive()) {
                    Thread.sleep(500);
                }
                if (compactor.awaitExit() != 0) {
                    throw new IllegalStateException("the compactor failed:\n" + compactor.log());
                }
                finished = compactor.log().lines().filter(line -> line.startsWith("FINISHED")).findFirst()
                        .orElseThrow();
            }
            double wallSeconds = (System.nanoTime() - wall) / 1e9;
            Matcher numbers = Pattern.compile("FINISHED: (\\d+) days, (\\d+) records; the JVM's CPU time ([\\d.]+) s")
                    .matcher(finished);
            if (!numbers.matches()) {
                throw new IllegalStateException(finished);
            }
            long compacted = Long.parseLong(numbers.group(2));
            double cpuSeconds = Double.parseDouble(numbers.group(3));
            System.out.printf("compacted %,d records of %s days in %.1f s from the start of its JVM: %,.0f records/s;"
                    + " %.1f CPU s per million records in the compactor's JVM (its start included)%n", compacted,
                    numbers.group(1), wallSeconds, compacted / wallSeconds, cpuSeconds / (compacted / 1e6));

            Map<String, long[]> after = objects(s3.objects(BUCKET, "iceberg/"));
            System.out.printf("small files before: %s%n", summary(before, records));
            System.out.printf("table after (data and metadata): %s%n", summary(after, records));
            columnSizes(compacted, settings, defaults);
        }
    }

    /** Objects and bytes by top folder (a day's folder for small files, data or metadata for the table). */
    private static Map<String, long[]> objects(List<S3Object> objects) {
        Map<String, long[]> byFolder = new TreeMap<>();
        for (S3Object object : objects) {
            String key = object.key();
            String folder = key.contains("/data/") ? "data" : key.contains("/metadata/") ? "metadata"
                    : key.substring(0, key.lastIndexOf('/'));
            long[] counts = byFolder.computeIfAbsent(folder, f -> new long[2]);
            counts[0]++;
            counts[1] += object.size();
        }
        return byFolder;
    }

    private static String summary(Map<String, long[]> byFolder, long records) {
        long objects = byFolder.values().stream().mapToLong(c -> c[0]).sum();
        long bytes = byFolder.values().stream().mapToLong(c -> c[1]).sum();
        StringBuilder text = new StringBuilder(String.format("%,d objects, %,d bytes (%.1f bytes a record)", objects,
                bytes, bytes / (double) records));
        byFolder.forEach((folder, counts) -> {
            if (folder.equals("data") || folder.equals("metadata")) {
                text.append(String.format("; %s: %,d objects, %,d bytes", folder, counts[0], counts[1]));
            }
        });
        return text.toString();
    }

    /** Compressed bytes per record of each column of the data files, from Iceberg's own file metrics. */
    private static void columnSizes(long records, Map<String, String> settings, Properties defaults)
            throws Exception {
        Table table = Catalogs.create(com.prism.lts.config.ArchiveSettings.from(name -> Optional.ofNullable(
                settings.getOrDefault(name, defaults.getProperty(name))).filter(v -> !v.isBlank())))
                .loadTable(org.apache.iceberg.catalog.TableIdentifier.of("prism_lts", TOPIC));
        Map<Integer, Long> sizes = new TreeMap<>();
        long fileBytes = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile file = task.file();
                fileBytes += file.fileSizeInBytes();
                file.columnSizes().forEach((id, size) -> sizes.merge(id, size, Long::sum));
            }
        }
        System.out.printf("data files: %,d bytes, %.1f bytes a record%n", fileBytes, fileBytes / (double) records);
        sizes.forEach((id, size) -> System.out.printf("  %-28s %8.2f bytes a record%n",
                table.schema().findColumnName(id), size / (double) records));
    }

}
