package com.prism.lts.audit;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.prism.lts.ToolFailure;
import com.prism.lts.compact.CompactedTables;
import com.prism.lts.compact.TableOptions;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.demo.KafkaTarget;
import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.inspect.S3Options;
import com.prism.lts.inspect.TextTable;
import com.prism.lts.security.KafkaClientOptions;
import com.prism.lts.write.ArchiveKey;
import org.apache.iceberg.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@code prism-lts audit}: which offsets of each topic partition the archive holds, proven from the files and Kafka. */
@Command(name = "audit", mixinStandardHelpOptions = true, defaultValueProvider = SettingDefaults.class,
        sortOptions = false,
        description = {"Proves per topic partition, from the archive files and Kafka, which offsets are archived,"
                + " dead-lettered, skipped by Kafka itself or restored copies of archived records, which are missing,"
                + " and which could not be checked and why, from the first archived offset (or the log start) up to"
                + " the archiver's committed offset; reports offsets archived twice, files of an earlier topic of the"
                + " same name, files whose key, object metadata and header disagree, and files that cannot be read.",
            "Reads only the first kilobytes of each file, once: an index in the bucket remembers them. Progress on"
                    + " stderr. Exit code 0 when every offset is proven, 3 when offsets are missing or could not be"
                    + " checked, 1 when the audit could not run (a topic neither Kafka nor the archive knows, say)."})
public final class AuditCommand implements Callable<Integer> {

    static final int INCOMPLETE = 3;
    private static final int SHOWN = 20;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--topic"}, descriptionKey = "prism.topics", split = ",",
            description = "Archived topic(s) to audit (default: ${DEFAULT-VALUE}).")
    List<String> topics;

    @Option(names = {"-b", "--bootstrap-servers"}, descriptionKey = "prism.kafka.bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT...]", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--group-id", descriptionKey = "prism.kafka.group-id",
            description = "The archiver's consumer group, whose committed offsets end the audit (default:"
                    + " ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--dead-letter-topic", descriptionKey = "prism.dead-letter.topic",
            description = "Dead-letter topic; {topic} is the audited topic (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(names = "--files-only", description = "Audit the files alone, without Kafka (a cluster that is gone).")
    boolean filesOnly;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Mixin
    S3Options s3;

    @Mixin
    TableOptions tables;

    private PrintWriter err;
    private long nextProgress;

    @Override
    public Integer call() throws Exception {
        if (topics == null) {
            throw new ParameterException(spec.commandLine(), SettingDefaults.TOPIC_NEEDED);
        }
        PrintWriter out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        List<Map<String, Object>> results = new ArrayList<>();
        boolean complete = true;
        try (S3Client client = s3.client();
                CompactedTables compacted = tables.open(s3);
                KafkaTarget kafka = filesOnly ? null : KafkaTarget.connect(bootstrapServers, kafkaClient);
                KafkaLog log = filesOnly ? null : new KafkaLog(kafka.admin(),
                        kafka.consumer(KafkaLog.readerSettings()), key -> state(s3.bucket(client, s3.bucket()), key))) {
            ArchiveBucket bucket = s3.bucket(client, s3.bucket());
            Map<String, Optional<KafkaLog.Topic>> inKafka = known(bucket, log, compacted);
            for (String topic : topics) {
                TopicAudit audit = audit(bucket, log, inKafka.get(topic), topic, compacted);
                complete &= audit.complete();
                results.add(audit.asMap());
                if (!json) {
                    audit.print(out);
                }
            }
        }
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("complete", complete);
            all.put("topics", results);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(all));
        }
        out.flush();
        return complete ? 0 : INCOMPLETE;
    }

    /**
     * Each topic as Kafka has it (empty when it has no such topic, or was not asked).
     *
     * @throws ToolFailure for a topic that neither Kafka nor the archive knows, before anything is written
     */
    private Map<String, Optional<KafkaLog.Topic>> known(ArchiveBucket bucket, KafkaLog log,
            CompactedTables compacted) {
        Map<String, Optional<KafkaLog.Topic>> inKafka = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String topic : topics) {
            Optional<KafkaLog.Topic> kafka = log == null ? Optional.empty() : log.topic(topic, groupId);
            inKafka.put(topic, kafka);
            if (kafka.isEmpty() && !bucket.holdsAny(s3.folder() + topic + "/")
                    && !bucket.holdsAny(new AuditIndex(bucket, s3.prefix(), topic).key())
                    && compacted.table(topic).isEmpty()) {
                unknown.add(topic);
            }
        }
        if (!unknown.isEmpty()) {
            String which = (unknown.size() == 1 ? "a topic " : "topics ") + String.join(", ", unknown);
            String archive = "s3://" + bucket.name() + "/" + s3.folder();
            throw new ToolFailure(log == null ? archive + " holds no files of " + which + ": check --topic"
                    : "neither Kafka at " + bootstrapServers + " nor " + archive + " knows " + which
                            + ": check --topic");
        }
        return inKafka;
    }

    private TopicAudit audit(ArchiveBucket bucket, KafkaLog log, Optional<KafkaLog.Topic> kafka, String topic,
            CompactedTables compacted) throws Exception {
        String folder = s3.folder() + topic + "/";
        AuditIndex index = new AuditIndex(bucket, s3.prefix(), topic);
        Map<String, AuditedFile> known = index.load();
        List<S3Object> listed = bucket.objects(folder);
        Map<String, AuditedFile> files = new TreeMap<>();
        Map<String, Instant> written = new HashMap<>();
        List<String> others = new ArrayList<>();
        List<Future<AuditedFile>> reads = new ArrayList<>();
        HeaderReader headers = new HeaderReader(bucket);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (S3Object object : listed) {
                Optional<ArchiveKey> key = ArchiveKey.parse(object.key());
                AuditedFile before = known.remove(object.key());
                written.put(object.key(), object.lastModified());
                if (key.isEmpty() || !key.get().topic().equals(topic)) {
                    others.add(object.key());
                } else if (before != null && !before.gone() && before.eTag().equals(object.eTag())
                        && before.size() == object.size()) {
                    files.put(object.key(), before);
                } else {
                    reads.add(pool.submit(() -> headers.read(object, key.get())));
                }
            }
            int read = 0;
            for (Future<AuditedFile> future : reads) {
                AuditedFile file = future.get();
                files.put(file.key(), file);
                progress(topic + ": read the headers of " + ++read + " of " + reads.size() + " new or changed files");
            }
        } finally {
            pool.shutdownNow();
        }
        List<AuditedFile> asked = new ArrayList<>(files.values());
        asked.addAll(known.values());
        Optional<Table> table = compacted.table(topic);
        if (table.isPresent()) {
            progress(topic + ": reading the offsets of the compacted table " + table.get().name());
        }
        TableHoldings holdings = table.map(t -> TableHoldings.read(t, asked))
                .orElseGet(() -> TableHoldings.none(compacted.none().orElse("the catalog has no table "
                        + topic)));
        int forgotten = 0;
        for (AuditedFile gone : known.values()) {
            // compacted: the table holds its offsets, and the index needs it no more
            if (holdings.holdsAll(gone)) {
                forgotten++;
            } else {
                files.put(gone.key(), gone.asGone());
            }
        }
        Optional<String> notSaved = index.save(files.values());
        TopicAudit audit = new TopicAudit(topic, "s3://" + bucket.name() + "/" + folder, files.values(), others,
                listed.size(), reads.size(), index.location(), notSaved, written, holdings, forgotten);
        audit.judge(log, kafka, groupId, deadLetterTopic.replace("{topic}", topic), this::progress);
        return audit;
    }

    /** A commit state the archiver kept in S3 (too large for the commit's metadata), null when it is gone. */
    private static byte[] state(ArchiveBucket bucket, String key) {
        return bucket.call(key, () -> {
            try {
                return bucket.client().getObjectAsBytes(b -> b.bucket(bucket.name()).key(key)).asByteArray();
            } catch (NoSuchKeyException e) {
                return null;
            }
        });
    }

    private void progress(String line) {
        long now = System.nanoTime();
        if (now - nextProgress >= 0) {
            err.println("  " + line);
            err.flush();
            nextProgress = now + PROGRESS_EVERY_NANOS;
        }
    }

    /** How the offsets of partitions are shown: first-last (count), at most {@value #SHOWN} ranges. */
    static String ranges(List<long[]> ranges) {
        List<String> shown = new ArrayList<>();
        for (long[] range : ranges.subList(0, Math.min(SHOWN, ranges.size()))) {
            shown.add(range[0] == range[1] ? Long.toString(range[0]) : range[0] + "-" + range[1]);
        }
        return String.join(", ", shown) + (ranges.size() > SHOWN ? ", ... (" + ranges.size() + " ranges)" : "")
                + String.format(Locale.ROOT, " (%,d offsets)", PartitionAudit.count(ranges));
    }

    static TextTable table() {
        return new TextTable(1, "partition", "from", "to", "archived", "dead-lettered", "skipped by Kafka",
                "restored copies", "missing", "not checked", "twice", "ahead");
    }
}
