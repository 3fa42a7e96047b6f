package com.prism.lts.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.CRC32;

/**
 * Every {@code prism.*} setting, read and checked in one place when the application starts.
 * <p>
 * Defaults live in {@code application.properties}, never here, so that a setting has exactly one default. A setting
 * that is missing or wrong stops the start-up with a message that names it, rather than surfacing later as a confusing
 * failure inside a route.
 */
public record ArchiveSettings(
        List<String> topics,
        Optional<Pattern> topicPattern,
        String bootstrapServers,
        String groupId,
        Optional<String> groupInstanceId,
        int consumers,
        int maxPollRecords,
        KafkaSecurity kafkaSecurity,
        String decoder,
        SortedMap<String, String> decoderConfig,
        Optional<URI> registryUrl,
        RegistryAccess registryAccess,
        Optional<Path> schemaDirectory,
        String metricDateField,
        ZoneId metricDateZone,
        int flushSize,
        Map<String, TopicSettings> topicSettings,
        long quietMs,
        long maxAgeMs,
        int maxOpenBatches,
        long maxBufferedBytes,
        String codec,
        String bucket,
        String prefix,
        String region,
        Optional<URI> s3Endpoint,
        boolean pathStyle,
        boolean conditionalWrites,
        Optional<String> accessKey,
        Optional<String> secretKey,
        String storageClass,
        Optional<String> serverSideEncryption,
        Optional<String> kmsKeyId,
        Map<String, String> tags,
        int uploadConcurrency,
        int maxWaitingUploads,
        long commitIntervalMs,
        long retryInitialDelayMs,
        long retryMaxDelayMs,
        String deadLetterTopic,
        long kafkaCheckIntervalMs,
        long kafkaUnreachableLogIntervalMs,
        String logFormat,
        CompactionSettings compaction) {

    public static final String CONFLUENT_DECODER = "confluent";
    /**
     * Changes whenever the way a record's file is chosen changes in the code (day, writer schema, dead letters), so
     * that a replica of another version does not follow cuts it would not make itself.
     */
    private static final int FILING_RULES_VERSION = 1;
    private static final Pattern GROUP_INSTANCE_ID = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    public static final Set<String> CODECS = Set.of("null", "deflate", "snappy", "zstd");
    public static final Set<String> LOG_FORMATS = Set.of("text", "json");
    /**
     * Storage classes a file can be uploaded to. GLACIER and DEEP_ARCHIVE are not among them: their objects cannot be
     * read without a restore, and a file written again (after a crash or a rebalance) is settled by reading the one
     * already under its key. A lifecycle rule moves files there once they are settled (docs/storage.md).
     */
    public static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "STANDARD_IA", "ONEZONE_IA",
            "INTELLIGENT_TIERING", "GLACIER_IR");
    public static final Set<String> SERVER_SIDE_ENCRYPTIONS = Set.of("AES256", "aws:kms", "aws:kms:dsse");

    public static final String DECODER_CONFIG_PREFIX = "prism.decoder.config.";
    private static final Pattern SECRET_OPTION = Pattern.compile(".*(password|secret|token|credential|jaas|user\\.info).*",
            Pattern.CASE_INSENSITIVE);
    /** What a Kafka endpoint URI would cut a topic pattern at. */
    private static final Pattern CUT_IN_A_URI = Pattern.compile(".*[?#%&].*");

    /** Reads and checks every setting; {@code lookup} answers a property name with its value, if it has one. */
    public static ArchiveSettings from(Function<String, Optional<String>> lookup) {
        return from(lookup, List.of());
    }

    /**
     * As {@link #from(Function)}; {@code names} are the names of the settings that have a value, among which the
     * settings of topics ({@code prism.topic.*}) and the options of a decoder ({@code prism.decoder.config.*}) are
     * found.
     */
    public static ArchiveSettings from(Function<String, Optional<String>> lookup, Collection<String> names) {
        Reader r = new Reader(lookup);
        boolean pattern = r.bool("prism.topics.is-pattern");
        String metricDateField = r.required("prism.metric-date.field");
        ZoneId metricDateZone = r.zone("prism.metric-date.zone");
        int flushSize = r.positiveInt("prism.flush.size");
        List<String> topics = pattern ? List.of() : r.list("prism.topics");
        ArchiveSettings settings = new ArchiveSettings(
                topics,
                pattern ? Optional.of(r.pattern("prism.topics")) : Optional.empty(),
                r.required("prism.kafka.bootstrap-servers"),
                r.required("prism.kafka.group-id"),
                r.optional("prism.kafka.group-instance-id"),
                r.positiveInt("prism.kafka.consumers"),
                r.positiveInt("prism.kafka.max-poll-records"),
                KafkaSecurity.read(r),
                r.required("prism.decoder"),
                decoderConfig(r, names),
                r.optional("prism.schema-registry.url").map(v -> r.uri("prism.schema-registry.url", v)),
                RegistryAccess.read(r),
                r.optional("prism.schema-directory").map(Path::of),
                metricDateField,
                metricDateZone,
                flushSize,
                topicSettings(r, names, topics, new TopicSettings(metricDateField, metricDateZone, flushSize)),
                r.positiveLong("prism.flush.quiet-ms"),
                r.positiveLong("prism.flush.max-age-ms"),
                r.positiveInt("prism.flush.max-open-batches"),
                r.positiveInt("prism.flush.max-buffered-mb") * 1024L * 1024,
                r.oneOf("prism.avro.codec", CODECS),
                r.required("prism.s3.bucket"),
                r.optional("prism.s3.prefix").map(prefix -> prefix.replaceAll("^/+|/+$", "")).orElse(""),
                r.required("prism.s3.region"),
                r.optional("prism.s3.endpoint").map(v -> r.uri("prism.s3.endpoint", v)),
                r.bool("prism.s3.path-style"),
                r.bool("prism.s3.conditional-writes"),
                r.optional("prism.s3.access-key"),
                r.optional("prism.s3.secret-key"),
                r.storageClass("prism.s3.storage-class"),
                r.optional("prism.s3.server-side-encryption").map(v -> r.serverSideEncryption(
                        "prism.s3.server-side-encryption", v)),
                r.optional("prism.s3.kms-key-id"),
                r.tags("prism.s3.tags"),
                r.positiveInt("prism.upload.concurrency"),
                r.positiveInt("prism.upload.max-waiting"),
                r.positiveLong("prism.kafka.commit-interval-ms"),
                r.positiveLong("prism.retry.initial-delay-ms"),
                r.positiveLong("prism.retry.max-delay-ms"),
                r.required("prism.dead-letter.topic"),
                r.positiveLong("prism.kafka.check-interval-ms"),
                r.positiveLong("prism.kafka.unreachable-log-interval-ms"),
                r.oneOf("prism.log.format", LOG_FORMATS),
                CompactionSettings.read(r));
        settings.crossCheck(r);
        r.failIfProblems();
        return settings;
    }

    /** The options of a decoder, by name without the prefix, in the order of their names. */
    private static SortedMap<String, String> decoderConfig(Reader r, Collection<String> names) {
        SortedMap<String, String> config = new TreeMap<>();
        names.stream().filter(name -> name.startsWith(DECODER_CONFIG_PREFIX)).forEach(name ->
                config.put(name.substring(DECODER_CONFIG_PREFIX.length()), r.optional(name).orElse("")));
        return Collections.unmodifiableSortedMap(config);
    }

    /** The settings of every topic that has some of its own: those listed, and those named by a setting. */
    private static Map<String, TopicSettings> topicSettings(Reader r, Collection<String> names, List<String> listed,
            TopicSettings defaults) {
        Set<String> topics = new TreeSet<>(listed);
        names.stream().filter(name -> name.startsWith(TopicSettings.PREFIX)).forEach(name -> TopicSettings
                .topicOf(name).ifPresentOrElse(topics::add, () -> r.problem(name, "is not a setting of a topic:"
                        + " prism.topic.<topic>. is followed by " + String.join(", ", TopicSettings.SETTINGS
                        .subList(0, TopicSettings.SETTINGS.size() - 1)) + " or " + TopicSettings.SETTINGS
                        .get(TopicSettings.SETTINGS.size() - 1))));
        Map<String, TopicSettings> settings = new TreeMap<>();
        topics.forEach(topic -> settings.put(topic, TopicSettings.read(r, topic, defaults)));
        return Collections.unmodifiableMap(settings);
    }

    private void crossCheck(Reader r) {
        if (CONFLUENT_DECODER.equals(decoder) && registryUrl.isEmpty() && schemaDirectory.isEmpty()) {
            r.problem("prism.schema-registry.url", "or prism.schema-directory must be set: the confluent decoder"
                    + " needs somewhere to look up writer schemas");
        }
        if (accessKey.isPresent() != secretKey.isPresent()) {
            r.problem("prism.s3.access-key", "and prism.s3.secret-key must be set together");
        }
        if (kmsKeyId.isPresent() && !serverSideEncryption.orElse("").startsWith("aws:kms")) {
            r.problem("prism.s3.kms-key-id", "needs prism.s3.server-side-encryption=aws:kms (or aws:kms:dsse)");
        }
        if (retryMaxDelayMs < retryInitialDelayMs) {
            r.problem("prism.retry.max-delay-ms", "must not be shorter than prism.retry.initial-delay-ms ("
                    + retryInitialDelayMs + ")");
        }
        if (maxAgeMs < quietMs) {
            r.problem("prism.flush.max-age-ms", "must not be shorter than prism.flush.quiet-ms (" + quietMs + ")");
        }
        if (!conditionalWrites) {
            r.problem("prism.s3.conditional-writes", "must be true: without conditional writes (If-None-Match, If-Match)"
                    + " a replica that lost its partitions can overwrite a file that holds records it does not, and"
                    + " those records are lost; use an S3 service that supports them (AWS S3 does since 2024)");
        }
        groupInstanceId.filter(id -> !GROUP_INSTANCE_ID.matcher(id).matches()).ifPresent(id -> r.problem(
                "prism.kafka.group-instance-id", "may hold only letters, digits, '.', '_' and '-' (at most 249),"
                        + " but is '" + id + "'"));
        if (topics.stream().map(this::deadLetterTopic).anyMatch(topics::contains)) {
            r.problem("prism.dead-letter.topic", "must not name a topic that is archived");
        }
        topicSettings.keySet().stream().filter(topic -> !topics.contains(topic)).forEach(topic -> {
            String name = TopicSettings.names(topic).stream().filter(setting -> r.optional(setting).isPresent())
                    .findFirst().orElse(TopicSettings.PREFIX + topic);
            if (topicPattern.isEmpty()) {
                r.problem(name, "names topic " + topic + ", which prism.topics does not list");
            } else if (!topicPattern.get().matcher(topic).matches()) {
                r.problem(name, "names topic " + topic + ", which the pattern of prism.topics does not match");
            } else if (!subscription(topicPattern.get()).matcher(topic).matches()) {
                r.problem(name, "names topic " + topic + ", a dead-letter topic, which is never archived");
            }
        });
    }

    /** How the records of {@code topic} are filed: its own settings, or the global ones. */
    public TopicSettings topic(String topic) {
        TopicSettings own = topicSettings.get(topic);
        return own != null ? own : new TopicSettings(metricDateField, metricDateZone, flushSize);
    }

    /**
     * The topics {@code pattern} matches, but the dead-letter topics of any of them: the archive never reads back its
     * own dead letters (with {@code {topic}.dlq}, {@code ac-.*} also matches {@code ac-user-event.dlq}).
     */
    public Pattern subscription(Pattern pattern) {
        String[] around = deadLetterTopic.split(Pattern.quote("{topic}"), -1);
        StringBuilder deadLetterTopics = new StringBuilder(Pattern.quote(around[0]));
        for (int i = 1; i < around.length; i++) {
            deadLetterTopics.append("(?:").append(pattern.pattern()).append(')').append(Pattern.quote(around[i]));
        }
        return Pattern.compile("(?!" + deadLetterTopics + "\\z)(?:" + pattern.pattern() + ")", pattern.flags());
    }

    /**
     * A fingerprint of the settings that decide which file a record of {@code topic} goes to: its metric-date field
     * and zone (aliases of one zone alike), its flush size, the decoder and a custom decoder's options (but those
     * that name credentials, which say who the decoder is, not how it reads). A partition's state is committed with
     * it, and a replica with another fingerprint (a rolling change of the zone, say) does not follow cuts it would
     * not have made (exactly once then needs every replica to run with the same settings; nothing is lost either way).
     */
    public int decisionHash(String topic) {
        TopicSettings filing = topic(topic);
        StringBuilder rules = new StringBuilder(String.join("\n", Integer.toString(FILING_RULES_VERSION),
                filing.metricDateField(), zoneName(filing.metricDateZone()), Integer.toString(filing.flushSize()),
                decoder));
        if (!CONFLUENT_DECODER.equals(decoder)) {
            decoderConfig.forEach((name, value) -> {
                if (!SECRET_OPTION.matcher(name).matches()) {
                    rules.append('\n').append(name).append('=').append(value);
                }
            });
        }
        CRC32 crc = new CRC32();
        crc.update(rules.toString().getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /**
     * One name for every alias of a zone ({@code UTC}, {@code Etc/UTC}, {@code Z}, {@code GMT}...), and for UTC the
     * name fingerprints had before: an upgrade follows the states committed before it.
     */
    private static String zoneName(ZoneId zone) {
        ZoneId normalized = zone.normalized();
        return normalized.equals(ZoneOffset.UTC) ? "UTC" : normalized.getId();
    }

    /** How transient faults are retried. */
    public Backoff retry() {
        return new Backoff(retryInitialDelayMs, retryMaxDelayMs);
    }

    /** The dead-letter topic for records of {@code topic}: the setting with {@code {topic}} replaced. */
    public String deadLetterTopic(String topic) {
        return deadLetterTopic.replace("{topic}", topic);
    }

    /** Reads settings and gathers what is wrong with them, to be said all at once. */
    static final class Reader {
        private final Function<String, Optional<String>> lookup;
        private final Function<String, String> shownAs;
        private final List<String> problems = new ArrayList<>();

        Reader(Function<String, Optional<String>> lookup) {
            this(lookup, Function.identity());
        }

        /** {@code shownAs} names a setting in messages as the user gave it, such as a tool's option. */
        Reader(Function<String, Optional<String>> lookup, Function<String, String> shownAs) {
            this.lookup = lookup;
            this.shownAs = shownAs;
        }

        /** Some settings read alone, as a tool reads them: {@code read} reads them, and what is wrong is thrown. */
        static <T> T readAlone(Function<String, Optional<String>> lookup, Function<String, String> shownAs,
                Function<Reader, T> read) {
            Reader r = new Reader(lookup, shownAs);
            T settings = read.apply(r);
            r.failIfProblems();
            return settings;
        }

        Optional<String> optional(String name) {
            return lookup.apply(name).map(String::trim).filter(v -> !v.isEmpty());
        }

        String required(String name) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                problem(name, "is not set");
                return "";
            }
            return value.get();
        }

        List<String> list(String name) {
            List<String> values = Arrays.stream(required(name).split(","))
                    .map(String::trim).filter(v -> !v.isEmpty()).toList();
            if (values.isEmpty()) {
                problem(name, "must name at least one topic");
                return List.of("");
            }
            return values;
        }

        int positiveInt(String name) {
            return positiveInt(name, required(name));
        }

        int positiveInt(String name, String text) {
            long value = positiveLong(name, text);
            if (value > Integer.MAX_VALUE) {
                problem(name, "must be at most " + Integer.MAX_VALUE + ", but is " + value);
                return 1;
            }
            return (int) value;
        }

        long positiveLong(String name) {
            return positiveLong(name, required(name));
        }

        private long positiveLong(String name, String value) {
            try {
                long parsed = Long.parseLong(value);
                if (parsed < 1) {
                    problem(name, "must be 1 or more, but is " + value);
                    return 1;
                }
                return parsed;
            } catch (NumberFormatException e) {
                if (!value.isEmpty()) {
                    problem(name, "must be a whole number, but is '" + value + "'");
                }
                return 1;
            }
        }

        boolean bool(String name) {
            String value = required(name).toLowerCase(Locale.ROOT);
            if (!value.equals("true") && !value.equals("false")) {
                problem(name, "must be true or false, but is '" + value + "'");
            }
            return value.equals("true");
        }

        String storageClass(String name) {
            String value = required(name).toUpperCase(Locale.ROOT);
            if (value.equals("GLACIER") || value.equals("DEEP_ARCHIVE")) {
                problem(name, "cannot be " + value + ": a file written twice (after a crash or a rebalance) is settled"
                        + " by reading the one already stored, which " + value + " keeps unreadable until restored;"
                        + " move files there with a lifecycle rule instead (docs/storage.md)");
            } else if (!value.isEmpty() && !STORAGE_CLASSES.contains(value)) {
                problem(name, "must be one of " + String.join(", ", STORAGE_CLASSES.stream().sorted().toList())
                        + ", but is '" + value + "'");
            }
            return value;
        }

        String serverSideEncryption(String name, String value) {
            if (!SERVER_SIDE_ENCRYPTIONS.contains(value)) {
                problem(name, "must be empty (the bucket's default encryption), AES256 (SSE-S3), aws:kms (SSE-KMS) or"
                        + " aws:kms:dsse, but is '" + value + "'");
            }
            return value;
        }

        Map<String, String> tags(String name) {
            try {
                return ObjectTags.parse(optional(name).orElse(""));
            } catch (IllegalArgumentException e) {
                problem(name, e.getMessage());
                return Map.of();
            }
        }

        String oneOf(String name, Set<String> allowed) {
            String value = required(name).toLowerCase(Locale.ROOT);
            if (!allowed.contains(value)) {
                problem(name, "must be one of " + String.join(", ", allowed.stream().sorted().toList())
                        + ", but is '" + value + "'");
            }
            return value;
        }

        ZoneId zone(String name) {
            return zone(name, required(name));
        }

        ZoneId zone(String name, String value) {
            try {
                return ZoneId.of(value);
            } catch (DateTimeException e) {
                problem(name, "is not a time zone such as UTC or Europe/Paris: '" + value + "'");
                return ZoneId.of("UTC");
            }
        }

        /** A regular expression that can travel in a Camel endpoint URI. */
        Pattern pattern(String name) {
            String value = required(name);
            if (CUT_IN_A_URI.matcher(value).matches()) {
                problem(name, "may not hold ?, #, % or & as a pattern (the archive route's Kafka endpoint URI would"
                        + " cut it there), but is '" + value + "': write x{0,1} for x?");
                return Pattern.compile(Pattern.quote(value));
            }
            try {
                return Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                problem(name, "is not a regular expression: " + e.getDescription() + " near index " + e.getIndex()
                        + " of '" + value + "'");
                return Pattern.compile(Pattern.quote(value));
            }
        }

        URI uri(String name, String value) {
            try {
                URI uri = URI.create(value);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    problem(name, "must be an absolute URL such as http://host:port, but is '" + value + "'");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                problem(name, "is not a URL: '" + value + "'");
                return URI.create("http://invalid");
            }
        }

        /** A file that must be readable. */
        Optional<Path> readablePath(String name) {
            Optional<Path> path = optional(name).map(Path::of);
            path.filter(file -> !Files.isReadable(file) || Files.isDirectory(file)).ifPresent(file -> problem(name,
                    "names " + file.toAbsolutePath() + ", which is not a file that can be read"));
            return path;
        }

        /** One of {@code allowed}, written in upper case. */
        String upperOneOf(String name, List<String> allowed) {
            String value = required(name).toUpperCase(Locale.ROOT);
            if (!value.isEmpty() && !allowed.contains(value)) {
                problem(name, "must be one of " + String.join(", ", allowed) + ", but is '" + value + "'");
            }
            return value;
        }

        String shown(String name) {
            return shownAs.apply(name);
        }

        int problemCount() {
            return problems.size();
        }

        void problem(String name, String what) {
            problems.add(shown(name) + " " + what);
        }

        void failIfProblems() {
            if (!problems.isEmpty()) {
                throw new InvalidSettingsException(problems);
            }
        }
    }
}
