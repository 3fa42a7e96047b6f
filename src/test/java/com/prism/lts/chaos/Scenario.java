package com.prism.lts.chaos;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.prism.lts.testing.PacedStream;
import com.prism.lts.testing.Produced;
import com.prism.lts.testing.Reconciliation;

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
     * @param reconciliation      the archive compared with what was produced
     * @param takeoversWithState  how many times a replica took over a partition with files its previous owner cut
     *                            above the committed offset: how often the exactly-once machinery was exercised
     */
    public record Outcome(Reconciliation reconciliation, int takeoversWithState) {
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

    /** One run of a scenario: its replicas, its stream, and what it waits for. */
    public static final class Play implements AutoCloseable {

        /** Cut by time rather than by size: many short-lived days, a quiet period and a maximum age of seconds. */
        private static final Map<String, String> SETTINGS = Map.of(
                "prism.flush.size", "100",
                "prism.flush.quiet-ms", "1000",
                "prism.flush.max-age-ms", "3000");

        private static final Pattern TAKEOVER_WITH_STATE = Pattern.compile(
                "[1-9]\\d* files and \\d+ dead letters of its previous owner above it");

        private final Stage stage;
        private final String topic;
        private final Scale scale;
        private final Map<String, String> settings;
        private final List<Replica> replicas = new ArrayList<>();
        private final List<AutoCloseable> resources = new ArrayList<>();
        private PacedStream stream;

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

        /** Starts a stream of the scenario's own events. */
        public void stream(PacedStream stream) {
            this.stream = stream;
        }

        /** Waits until {@code fraction} of the stream has been sent. */
        public void awaitSent(double fraction) {
            await().atMost(timeout()).until(() -> stream.sent() >= fraction * scale.records());
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
         * Waits for the stream to end and for every record to be committed, stops the replicas as Kubernetes would,
         * and compares the archive with what was produced.
         */
        Outcome finish() throws Exception {
            List<Produced> produced = stream.awaitDone(timeout());
            Map<Integer, Long> end = stage.kafka().endOffsets(topic);
            await().atMost(timeout()).until(() -> stage.kafka().committed(group(), topic).equals(end));
            for (Replica replica : replicas) {
                if (replica.isAlive()) {
                    replica.terminate();
                }
            }
            Reconciliation reconciliation = Reconciliation.of(produced, stage.archived(topic),
                    stage.kafka().readAll(settings.get("prism.topics") + ".dlq"));
            int takeovers = 0;
            for (Replica replica : replicas) {
                takeovers += (int) TAKEOVER_WITH_STATE.matcher(replica.logs()).results().count();
            }
            return new Outcome(reconciliation, takeovers);
        }

        @Override
        public void close() throws Exception {
            replicas.forEach(Replica::close);
            if (stream != null) {
                stream.close();
            }
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }
}
