package com.prism.lts.restore;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.prism.lts.ToolFailure;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.demo.KafkaTarget;
import com.prism.lts.demo.Pace;
import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.inspect.S3Options;
import com.prism.lts.inspect.TextTable;
import com.prism.lts.compact.CompactedTables;
import com.prism.lts.compact.TableOptions;
import com.prism.lts.restore.PartitionRestore.ArchiveFile;
import com.prism.lts.restore.PartitionRestore.Source;
import com.prism.lts.restore.PartitionRestore.TableDay;
import com.prism.lts.security.KafkaClientOptions;
import com.prism.lts.write.ArchiveKey;
import org.apache.iceberg.Table;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code prism-lts restore}: archived records of a range of days back onto a Kafka topic, as they were sent. */
@Command(name = "restore", mixinStandardHelpOptions = true, defaultValueProvider = SettingDefaults.class,
        sortOptions = false,
        description = {"Produces the archived records of some days again: same key, the value in the Confluent wire"
                + " format with its schema id, same timestamp and headers, plus headers naming the source topic,"
                + " partition and offset. Records of one source partition keep their order and go to the same-numbered"
                + " partition of the target (modulo its partition count); a record archived twice is produced once,"
                + " two records at one offset (a topic deleted and created again) both.",
            "Interrupted (Ctrl-C, kill -9, a record Kafka refused), the same command goes on where it stopped and"
                    + " picks up files written since: its checkpoint is the committed offsets of consumer group"
                    + " prism-restore-<job> on the target. Progress on stderr."})
public final class RestoreCommand implements Callable<Integer> {

    private static final Set<String> ARCHIVED_TIERS = Set.of("GLACIER", "DEEP_ARCHIVE");
    /** The exit code of a command stopped by Ctrl-C. */
    private static final int INTERRUPTED = 130;
    private static final long SAVE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--topic"}, required = true, split = ",", description = "Archived topic(s) to restore.")
    List<String> topics;

    @Option(names = "--from", required = true, paramLabel = "yyyy-MM-dd", description = "First day (metric_date).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "yyyy-MM-dd", description = "Last day, included (default: --from).")
    LocalDate to;

    @Option(names = {"-p", "--partition"}, split = ",", description = "Only these source partitions.")
    List<Integer> partitions = List.of();

    @Option(names = "--to-topic", required = true,
            description = "Topic to produce to; {topic} stands for the source topic, e.g. {topic}.restored.")
    String toTopic;

    @Option(names = "--create-topic",
            description = "Create a missing target topic, with as many partitions as the highest source partition.")
    boolean createTopic;

    private double rate;

    /** Checked as it is read, so that a wrong rate is said before a missing option. */
    @Option(names = "--rate", defaultValue = "0", paramLabel = "RECORDS_PER_SECOND",
            description = "Produce at most this many records a second; 0 for no limit (default: ${DEFAULT-VALUE}).")
    void rate(double perSecond) {
        if (!(perSecond >= 0)) {
            throw new ParameterException(spec.commandLine(), "--rate must be 0 (no limit) or more, not "
                    + Double.toString(perSecond).replaceFirst("\\.0$", ""));
        }
        rate = perSecond;
    }

    @Option(names = {"-b", "--bootstrap-servers"}, descriptionKey = "prism.kafka.bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]", description = "Kafka to produce to (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Mixin
    S3Options s3;

    @Mixin
    TableOptions tables;

    @Override
    public Integer call() throws Exception {
        LocalDate last = to == null ? from : to;
        if (last.isBefore(from)) {
            throw new ParameterException(spec.commandLine(), "--to must not be before --from");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (S3Client client = s3.client(); CompactedTables compacted = tables.open(s3);
                KafkaTarget kafka = KafkaTarget.connect(bootstrapServers, kafkaClient)) {
            ArchiveBucket bucket = s3.bucket(client, s3.bucket());
            Map<TopicPartition, List<Source>> files = select(bucket, compacted, last);
            Map<TopicPartition, TopicPartition> targetOf = targets(kafka, files);
            String job = job(last);
            Map<TopicPartition, SourceProgress> sources = new HashMap<>();
            files.forEach((source, ofSource) -> sources.put(source, new SourceProgress(ofSource)));
            RestoreCheckpoint checkpoint;
            // a start moved by retention while the target is read: read on from there, not from its end
            try (KafkaConsumer<byte[], byte[]> reader = kafka.consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest"))) {
                checkpoint = RestoreCheckpoint.load(kafka.admin(), reader, job, targetOf, sources);
            }
            Run run = new Run(kafka, checkpoint, err);
            Thread interrupt = new Thread(run::stop, "restore-stop");
            Runtime.getRuntime().addShutdownHook(interrupt);
            try {
                Map<TopicPartition, PartitionRestore> done = new TreeMap<>(RestoreCommand::compare);
                boolean complete = run.produce(files, targetOf, bucket, job, done);
                report(out, done, targetOf, checkpoint, complete, last);
                return complete ? 0 : INTERRUPTED;
            } finally {
                run.finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(interrupt);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs: it waited for the checkpoint and the summary, and now lets the JVM go
                }
            }
        }
    }

    /**
     * The archive files and compacted days of the chosen days, per source partition, in the order of their first
     * offsets. A small file the compacted table names (folded in, not deleted yet) is left out: its records are rows.
     */
    private Map<TopicPartition, List<Source>> select(ArchiveBucket bucket, CompactedTables compacted, LocalDate last) {
        Map<TopicPartition, List<Source>> sources = new TreeMap<>(RestoreCommand::compare);
        Map<String, String> archived = new LinkedHashMap<>();
        for (String topic : topics) {
            int before = sources.values().stream().mapToInt(List::size).sum();
            Optional<Table> table = compacted.table(topic);
            for (LocalDate day = from; !day.isAfter(last); day = day.plusDays(1)) {
                List<ArchiveFile> files = new ArrayList<>();
                for (S3Object object : bucket.objects(ArchiveKey.dayFolder(s3.prefix(), topic, day))) {
                    Optional<ArchiveKey> key = ArchiveKey.parse(object.key());
                    if (key.isEmpty() || !partitions.isEmpty() && !partitions.contains(key.get().partition())) {
                        continue;
                    }
                    files.add(new ArchiveFile(object.key(), key.get().startOffset(), object.size(), object.eTag(),
                            object.lastModified()));
                    if (ARCHIVED_TIERS.contains(object.storageClassAsString()) && !restoredCopy(bucket, object)) {
                        archived.put(object.key(), object.storageClassAsString());
                    }
                }
                List<TableDay> rows = table.isPresent() ? TableDays.of(table.get(), day, partitions) : List.of();
                Set<String> folded = rows.isEmpty() || files.isEmpty() ? Set.of()
                        : TableDays.folded(table.get(), day, files);
                archived.keySet().removeAll(folded);
                files.stream().filter(file -> !folded.contains(file.key())).forEach(file -> sources.computeIfAbsent(
                        new TopicPartition(topic, ArchiveKey.parse(file.key()).orElseThrow().partition()),
                        p -> new ArrayList<>()).add(file));
                rows.forEach(rowsOfDay -> sources.computeIfAbsent(new TopicPartition(topic, rowsOfDay.partition()),
                        p -> new ArrayList<>()).add(rowsOfDay));
            }
            if (sources.values().stream().mapToInt(List::size).sum() == before) {
                throw new ToolFailure("no archive files of " + topic + (partitions.isEmpty() ? ""
                        : " partition " + partitions) + " from " + from + " to " + last + " in s3://" + bucket.name()
                        + "/" + ArchiveKey.dayFolder(s3.prefix(), topic, from).replaceAll("year=.*", "")
                        + (table.isPresent() ? ", nor rows in the compacted table " + table.get().name() : ""));
            }
        }
        if (!archived.isEmpty()) {
            Map.Entry<String, String> first = archived.entrySet().iterator().next();
            throw new ToolFailure(archived.size() + " of the files are in an archived storage class and not restored"
                    + " (docs/storage.md says how to restore them), such as " + first.getKey() + " ("
                    + first.getValue() + ")");
        }
        sources.values().forEach(list -> list.sort(Comparator.comparingLong(Source::firstOffset)));
        return sources;
    }

    private static boolean restoredCopy(ArchiveBucket bucket, S3Object object) {
        String restore = bucket.call(object.key(), () -> bucket.client().headObject(b -> b.bucket(bucket.name())
                .key(object.key())).restore());
        return restore != null && restore.contains("ongoing-request=\"false\"");
    }

    /** The target partition of each source partition; the target topics must exist, or be created if asked. */
    private Map<TopicPartition, TopicPartition> targets(KafkaTarget kafka, Map<TopicPartition, List<Source>> files) {
        Map<TopicPartition, TopicPartition> targetOf = new TreeMap<>(RestoreCommand::compare);
        Map<String, Integer> counts = new TreeMap<>();
        for (TopicPartition source : files.keySet()) {
            String target = toTopic.replace("{topic}", source.topic());
            int needed = files.keySet().stream().filter(p -> toTopic.replace("{topic}", p.topic()).equals(target))
                    .mapToInt(TopicPartition::partition).max().orElseThrow() + 1;
            int partitionCount = counts.computeIfAbsent(target, t -> kafka.partitions(t).orElseGet(() -> {
                if (!createTopic) {
                    throw new ToolFailure("topic " + t + " does not exist at " + kafka.bootstrapServers()
                            + ": create it, or give --create-topic");
                }
                kafka.requirePartitions(t, needed);
                return needed;
            }));
            targetOf.put(source, new TopicPartition(target, source.partition() % partitionCount));
        }
        return targetOf;
    }

    /** The same command names the same job, so that running it again goes on where it stopped. */
    private String job(LocalDate last) throws NoSuchAlgorithmException {
        String spec = String.join("\n", new TreeMap<>(Map.of("topics", String.join(",", topics.stream().sorted()
                .toList()), "from", from.toString(), "to", last.toString(), "partitions", partitions.stream()
                .sorted().map(String::valueOf).toList().toString(), "to-topic", toTopic, "bucket", s3.bucket()
                + "/" + s3.prefix())).toString());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(spec.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 6);
    }

    private void report(PrintWriter out, Map<TopicPartition, PartitionRestore> done,
            Map<TopicPartition, TopicPartition> targetOf, RestoreCheckpoint checkpoint, boolean complete,
            LocalDate last) {
        out.printf(Locale.ROOT, "%s %s from %s to %s into %s (checkpoint: consumer group %s):%n",
                complete ? "Restored" : "Interrupted: restored so far", String.join(", ", topics), from, last,
                toTopic, checkpoint.group());
        TextTable table = new TextTable(2, "source", "target", "files", "produced", "restored before",
                "archived twice", "without key/headers");
        long withoutFields = 0;
        for (Map.Entry<TopicPartition, PartitionRestore> entry : done.entrySet()) {
            PartitionRestore.Tally tally = entry.getValue().tally();
            withoutFields += tally.withoutKafkaFields;
            table.row(entry.getKey().toString(), targetOf.get(entry.getKey()).toString(), tally.files,
                    tally.produced, tally.restoredBefore, tally.archivedTwice, tally.withoutKafkaFields);
        }
        table.lines().forEach(line -> out.println("  " + line));
        if (withoutFields > 0) {
            out.printf(Locale.ROOT, "%,d records came from files of format version 1, which kept no key, headers or"
                    + " timestamp type: they were produced without a key and without their original headers.%n",
                    withoutFields);
        }
        if (!complete) {
            out.println("Run the same command again to go on where it stopped.");
        }
        out.flush();
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }

    /** Producing: an idempotent producer, the checkpoint saved every second, Ctrl-C heard. */
    private final class Run implements PartitionRestore.Sink {
        private final KafkaTarget kafka;
        private final RestoreCheckpoint checkpoint;
        private final PrintWriter err;
        private final AtomicReference<Refusal> refusal = new AtomicReference<>();
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Pace pace = new Pace(rate, System.nanoTime());
        private volatile boolean stopping;
        private KafkaProducer<byte[], byte[]> producer;
        private long sent;
        private long nextSave = System.nanoTime() + SAVE_EVERY_NANOS;

        Run(KafkaTarget kafka, RestoreCheckpoint checkpoint, PrintWriter err) {
            this.kafka = kafka;
            this.checkpoint = checkpoint;
            this.err = err;
        }

        boolean produce(Map<TopicPartition, List<Source>> files, Map<TopicPartition, TopicPartition> targetOf,
                ArchiveBucket bucket, String job, Map<TopicPartition, PartitionRestore> done) throws Exception {
            boolean complete = true;
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5))) {
                this.producer = producer;
                try {
                    for (Map.Entry<TopicPartition, List<Source>> entry : files.entrySet()) {
                        PartitionRestore partition = new PartitionRestore(bucket, entry.getKey(),
                                targetOf.get(entry.getKey()), job);
                        done.put(entry.getKey(), partition);
                        if (!partition.run(entry.getValue(), checkpoint.source(entry.getKey()), this)) {
                            complete = false;
                            break;
                        }
                    }
                } finally {
                    // what was acknowledged, refused or not, is checkpointed
                    producer.flush();
                    checkpoint.save();
                }
                failIfRefused();
                return complete && !stopping;
            }
        }

        @Override
        public void send(ProducerRecord<byte[], byte[]> record, TopicPartition source, long sourceOffset)
                throws InterruptedException {
            failIfRefused();
            pace.await(sent++);
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    refusal.compareAndSet(null, new Refusal(source, sourceOffset, record, e));
                } else {
                    checkpoint.acknowledged(source, sourceOffset, metadata.offset());
                }
            });
            if (System.nanoTime() - nextSave >= 0) {
                checkpoint.save();
                err.printf(Locale.ROOT, "  produced %,d records; now at %s offset %,d%n", sent, source, sourceOffset);
                err.flush();
                nextSave = System.nanoTime() + SAVE_EVERY_NANOS;
            }
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        private void failIfRefused() {
            Refusal refused = refusal.get();
            if (refused != null) {
                throw new ToolFailure(refused.sentence());
            }
        }

        /** Ctrl-C or SIGTERM: stop producing, wait for what was sent, the checkpoint and the summary. */
        private void stop() {
            stopping = true;
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A record Kafka refused for good: the restore stops there, and its checkpoint never passes it. */
    private record Refusal(TopicPartition source, long offset, ProducerRecord<byte[], byte[]> record, Exception why) {

        String sentence() {
            return "Kafka refused for good the record of " + source + " at offset " + offset + ": " + reason()
                    + "; the records before it are restored and checkpointed, and the same command goes on from it"
                    + " once that is fixed";
        }

        private String reason() {
            String topic = record.topic();
            if (why instanceof RecordTooLargeException) {
                return "it is larger than topic " + topic + " accepts (its max.message.bytes, or the broker's"
                        + " message.max.bytes): " + String.format(Locale.ROOT, "%,d", size()) + " bytes with the"
                        + " headers restore adds";
            }
            if (why instanceof InvalidTimestampException) {
                return "topic " + topic + " does not accept its timestamp " + Instant.ofEpochMilli(record.timestamp())
                        + " (its message.timestamp.before.max.ms and message.timestamp.after.max.ms)";
            }
            if (why instanceof TimeoutException) {
                return "Kafka did not acknowledge it within the producer's delivery.timeout.ms";
            }
            return why.getMessage();
        }

        private long size() {
            long size = (record.key() == null ? 0 : record.key().length) + record.value().length;
            for (Header header : record.headers()) {
                size += header.key().length() + (header.value() == null ? 0 : header.value().length);
            }
            return size;
        }
    }
}
