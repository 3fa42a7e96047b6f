package com.prism.lts.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.PacedStream;
import com.prism.lts.testing.Produced;
import com.prism.lts.testing.Reconciliation;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A fault scenario: replicas of the archiver in JVMs of their own, a paced stream of events of many days, faults
 * injected while it flows; then the archive and the dead-letter topic compared with what was produced, event by
 * event. The same scenarios run small in {@code mvn verify} and large in {@code ./chaos}.
 *
 * @param name        a short name, also the prefix of the scenario's topic
 * @param description what happens, in words
 * @param script      starts the replicas and the stream and injects the faults
 */
public record Scenario(String name, String description, Consumer<Play> script) {

    /**
     * How big a run is.
     *
     * @param records    events in the stream
     * @param perSecond  events sent per second
     * @param partitions partitions of the topic
     * @param days       days the events' metric_date spans, interleaved
     * @param badEvery   every n-th event cannot be archived (0: none)
     */
    public record Scale(int records, int perSecond, int partitions, int days, int badEvery) {
    }

    /**
     * What a run came to.
     *
     * @param reconciliation         the archive compared with what was produced (each incarnation of a topic deleted
     *                               and created again with the files that name its topic id)
     * @param takeoversWithState     how many times a replica took over a partition with files its previous owner cut
     *                               above the committed offset: how often the exactly-once machinery was exercised
     * @param readAgain              how many times a partition was read again from its committed offset because a
     *                               step of the archive route failed for a poll
     * @param audit                  what {@code prism-lts audit} says of the archive afterwards
     */
    public record Outcome(Reconciliation reconciliation, int takeoversWithState, int readAgain, AuditOutcome audit) {
    }

    /** Runs the scenario on {@code stage}. */
    public Outcome run(Stage stage, Scale scale) throws Exception {
        String topic = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        stage.kafka().createTopic(topic, scale.partitions());
        try (Play play = new Play(stage, topic, scale)) {
            script.accept(play);
            return play.finish();
        }
    }

    /** One run of a scenario: its replicas, its streams, and what it waits for. */
    public static final class Play implements AutoCloseable {

        /** Cut by time rather than by size: many short-lived days, a quiet period and a maximum age of seconds. */
        private static final Map<String, String> SETTINGS = Map.of(
                "prism.flush.size", "100",
                "prism.flush.quiet-ms", "1000",
                "prism.flush.max-age-ms", "3000");

        private static final Pattern TAKEOVER_WITH_STATE = Pattern.compile(
                "[1-9]\\d* files and \\d+ dead letters of its previous owner above it");
        private static final Pattern READ_AGAIN = Pattern.compile("is read again from its committed offset in");

        private final Stage stage;
        private final String topic;
        private final Scale scale;
        private final Map<String, String> settings;
        private final List<Replica> replicas = new ArrayList<>();
        private final List<AutoCloseable> resources = new ArrayList<>();
        private final List<PacedStream> streams = new ArrayList<>();
        private Function<GenericRecord, String> identity = event -> event.get("event_id").toString();
        private TopicIncarnations.Incarnation earlier;

        Play(Stage stage, String topic, Scale scale) {
            this.stage = stage;
            this.topic = topic;
            this.scale = scale;
            this.settings = stage.settings(topic);
            this.settings.putAll(SETTINGS);
        }

        public Stage stage() {
            return stage;
        }

        public Scale scale() {
            return scale;
        }

        public String topic() {
            return topic;
        }

        public String group() {
            return settings.get("prism.kafka.group-id");
        }

        /** Settings every replica of this run starts with, for a scenario to change before starting them. */
        public Map<String, String> settings() {
            return settings;
        }

        /** A replica named {@code name}, its static member id, with this run's settings and {@code own} on top. */
        public Replica replica(String name, Map<String, String> own) {
            Map<String, String> replicaSettings = new HashMap<>(settings);
            replicaSettings.putAll(own);
            Replica replica = new Replica(name, replicaSettings, stage.logs().resolve(topic));
            replicas.add(replica);
            return replica.start();
        }

        public Replica replica(String name) {
            return replica(name, Map.of());
        }

        /**
         * A copy of the shipped routes ({@code routes/archive.yaml}) with {@code step} (YAML, indented as a step of
         * the archive route) added at the top of the archive route, as a user would add one: the settings that make a
         * replica read it instead of the shipped routes.
         */
        public Map<String, String> routesWithFirstStep(String step) {
            try {
                String shipped = Files.readString(Path.of("routes", "archive.yaml"));
                String steps = "\n      steps:\n";
                int first = shipped.indexOf(steps, shipped.indexOf("id: archive\n"));
                Path folder = Files.createDirectories(stage.logs().resolve(topic).resolve("routes"));
                Files.writeString(folder.resolve("archive.yaml"), shipped.substring(0, first + steps.length()) + step
                        + shipped.substring(first + steps.length()));
                return Map.of("camel.main.routes-include-pattern", "file:" + folder.toAbsolutePath() + "/*.yaml");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Keeps {@code resource} (a registry the replicas use, say) open until the run is over. */
        public <T extends AutoCloseable> T closeAtEnd(T resource) {
            resources.add(resource);
            return resource;
        }

        /** Starts the stream of demo events. */
        public void stream() {
            stream(PacedStream.demo(stage.kafka(), topic, scale.partitions(), scale.days(), scale.records(),
                    scale.perSecond(), scale.badEvery()));
        }

        /** Starts a stream of the scenario's own events, after those started before it (wait for them first). */
        public void stream(PacedStream stream) {
            streams.add(stream);
        }

        /** Tells the archived events apart by {@code identity}, as the streams' {@link PacedStream.Event#id()} does. */
        public void identifiedBy(Function<GenericRecord, String> identity) {
            this.identity = identity;
        }

        /** Waits until {@code fraction} of the stream has been sent. */
        public void awaitSent(double fraction) {
            PacedStream stream = streams.get(streams.size() - 1);
            await().atMost(timeout()).until(() -> stream.sent() >= fraction * scale.records());
        }

        /** Waits until every stream started so far has sent every event; returns what they produced. */
        public List<Produced> awaitStreamsDone() {
            List<Produced> produced = new ArrayList<>();
            try {
                for (PacedStream stream : streams) {
                    produced.addAll(stream.awaitDone(timeout()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the streams were sent", e);
            }
            return produced;
        }

        /** Waits until the group has committed every record of the topic. */
        public void awaitCommitted() {
            Map<Integer, Long> end = stage.kafka().endOffsets(topic);
            await().atMost(timeout()).until(() -> stage.kafka().committed(group(), topic).equals(end));
        }

        /**
         * Deletes the topic and creates it again with as many partitions, while the replicas run, once every record
         * sent so far is committed: what is produced from now on is the new topic's, at the offsets of the old one.
         */
        public void recreateTopic() {
            List<Produced> produced = awaitStreamsDone();
            awaitCommitted();
            earlier = new TopicIncarnations.Incarnation(stage.kafka().topicId(topic), produced);
            streams.clear();
            stage.kafka().deleteTopic(topic);
            stage.kafka().createTopic(topic, scale.partitions());
        }

        /** Waits until {@code replica}, as started last, has uploaded a file: it is doing its work. */
        public void awaitArchiving(Replica replica) {
            awaitArchived(replica, 1);
        }

        /** Waits until {@code replica}, as started last, has uploaded {@code files} files. */
        public void awaitArchived(Replica replica, int files) {
            replica.awaitArchived(files, timeout());
        }

        /** Waits until the group has given {@code replica} partitions (it started, or rejoined). */
        public void awaitAssigned(Replica replica) {
            await().atMost(timeout()).until(() -> stage.kafka().assignedMembers(group()).contains(replica.name()));
        }

        /** Waits until the group has taken every partition from {@code replica} (it is gone, or frozen). */
        public void awaitUnassigned(Replica replica) {
            await().atMost(timeout()).until(() -> !stage.kafka().assignedMembers(group()).contains(replica.name()));
        }

        private Duration timeout() {
            return Duration.ofSeconds(60 + 2L * scale.records() / scale.perSecond());
        }

        /**
         * Waits for the streams to end and for every record to be committed, stops the replicas as Kubernetes would,
         * compares the archive with what was produced, and audits it.
         */
        Outcome finish() throws Exception {
            List<Produced> produced = awaitStreamsDone();
            awaitCommitted();
            for (Replica replica : replicas) {
                if (replica.isAlive()) {
                    replica.terminate();
                }
            }
            List<ConsumerRecord<byte[], byte[]>> deadLetters = stage.kafka().readAll(settings.get("prism.topics")
                    + ".dlq");
            List<ArchiveContents.Archived> archived = stage.archived(topic).records();
            Reconciliation reconciliation = earlier == null
                    ? Reconciliation.of(produced, archived, deadLetters, identity)
                    : TopicIncarnations.of(earlier, new TopicIncarnations.Incarnation(stage.kafka().topicId(topic),
                            produced), archived, deadLetters, identity);
            int takeovers = 0;
            int readAgain = 0;
            for (Replica replica : replicas) {
                String logs = replica.logs();
                takeovers += (int) TAKEOVER_WITH_STATE.matcher(logs).results().count();
                readAgain += (int) READ_AGAIN.matcher(logs).results().count();
            }
            return new Outcome(reconciliation, takeovers, readAgain, AuditOutcome.of(topic, settings));
        }

        @Override
        public void close() throws Exception {
            replicas.forEach(Replica::close);
            for (PacedStream stream : streams) {
                stream.close();
            }
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }
}
