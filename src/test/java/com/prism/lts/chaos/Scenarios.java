package com.prism.lts.chaos;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.PacedStream;
import com.prism.lts.testing.RegistryStandIn;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The fault scenarios of issues 8 and 16: what routine operations, failures and a user's own route step do to replicas
 * while records flow.
 */
public final class Scenarios {

    public static final Scenario KILL_NINE = new Scenario("kill-9",
            "one replica killed with kill -9 five times while records of many days flow, started again each time",
            play -> {
                Replica replica = play.replica("replica-0");
                play.stream();
                for (int kill = 1; kill <= 5; kill++) {
                    play.awaitArchived(replica, 3 + 11 * kill % 17);
                    play.awaitSent(kill / 6.0);
                    replica.kill();
                    replica.start();
                }
            });

    public static final Scenario SCALE_DOWN_AND_UP = new Scenario("scale",
            "3 replicas, 2 stopped with SIGTERM, started again, then one killed with kill -9 and started again",
            play -> {
                Replica first = play.replica("replica-0");
                Replica second = play.replica("replica-1");
                Replica third = play.replica("replica-2");
                play.stream();
                play.awaitSent(0.25);
                second.terminate();
                third.terminate();
                play.awaitSent(0.5);
                second.start();
                third.start();
                play.awaitAssigned(second);
                play.awaitAssigned(third);
                play.awaitSent(0.75);
                first.kill();
                first.start();
            });

    public static final Scenario ZOMBIE = new Scenario("zombie",
            "2 replicas; one frozen (SIGSTOP) until the group gives its partitions to the other, then resumed,"
                    + " three times",
            play -> {
                play.replica("replica-0");
                Replica zombie = play.replica("replica-1");
                play.stream();
                for (int freeze = 1; freeze <= 3; freeze++) {
                    play.awaitAssigned(zombie);
                    play.awaitArchiving(zombie);
                    play.awaitSent(freeze / 4.0);
                    zombie.freeze();
                    play.awaitUnassigned(zombie);
                    zombie.thaw();
                }
            });

    public static final Scenario MIXED_ZONES = new Scenario("zones",
            "2 replicas that turn timestamps into days in different zones (UTC, UTC+14) share the group while"
                    + " partitions move between them",
            play -> {
                Events.publishSchema(play.stage().schemas(), TimedEvents.SCHEMA_ID, TimedEvents.SCHEMA);
                Replica utc = play.replica("replica-utc");
                play.stream(TimedEvents.stream(play));
                play.awaitSent(0.3);
                Replica kiribati = play.replica("replica-kiribati", Map.of("prism.metric-date.zone",
                        "Pacific/Kiritimati"));
                play.awaitAssigned(kiribati);
                play.awaitSent(0.6);
                utc.terminate();
                play.awaitSent(0.8);
                utc.start();
            });

    public static final Scenario SIBLING_CONSUMERS = new Scenario("siblings",
            "one replica with two consumers; one is stuck on a slow schema lookup past max.poll.interval.ms, loses"
                    + " its partitions to its sibling, then carries on with the records it had",
            play -> {
                RegistryStandIn registry = play.closeAtEnd(RegistryStandIn.start());
                registry.put(Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
                registry.put(SlowSchema.ID, DemoEvents.SCHEMA);
                registry.slowFirstLookup(SlowSchema.ID, Duration.ofSeconds(12));
                play.replica("replica-0", Map.of(
                        "prism.kafka.consumers", "2",
                        "prism.schema-registry.url", registry.url().toString(),
                        "prism.schema-directory", "",
                        "camel.component.kafka.max-poll-interval-ms", "4000"));
                play.stream(SlowSchema.stream(play));
            });

    public static final Scenario FAILING_STEP = new Scenario("failing-step",
            "2 replicas whose archive route begins with a step of the user's own that throws for about 1 poll in 8,"
                    + " each killed with kill -9 once while records flow and its partitions taken by the other; then a"
                    + " replica with the shipped routes finishes",
            play -> {
                Map<String, String> failing = play.routesWithFirstStep(FailingStep.YAML);
                Replica first = play.replica("replica-0", failing);
                Replica second = play.replica("replica-1", failing);
                play.awaitAssigned(first);
                play.awaitAssigned(second);
                play.stream();
                for (Replica killed : List.of(first, second)) {
                    play.awaitArchiving(killed);
                    play.awaitSent(killed == first ? 0.3 : 0.6);
                    killed.kill();
                    play.awaitUnassigned(killed);
                    killed.start();
                }
                play.awaitSent(0.9);
                Replica shipped = play.replica("replica-2");
                play.awaitAssigned(shipped);
                first.terminate();
                second.terminate();
            });

    public static final Scenario RECREATED = new Scenario("recreated",
            "a replica archives a topic, which is deleted and created again with as many partitions while the"
                    + " replica runs; the same records are sent again at the same offsets with the same timestamps"
                    + " (3 in 4 corrected, the others identical), then as many new ones",
            play -> {
                Corrections events = new Corrections(play);
                play.identifiedBy(Corrections::identity);
                // Kafka's consumer asks the broker to create a topic it reads that does not exist, and brokers do by
                // default: the deleted topic would be back at once with the broker's default partition count
                play.replica("replica-0", Map.of("camel.component.kafka.additional-properties[allow.auto.create.topics]",
                        "false"));
                play.stream(events.original());
                play.recreateTopic();
                play.stream(events.again());
                play.awaitStreamsDone();
                play.stream(events.more());
            });

    public static final List<Scenario> ALL = List.of(KILL_NINE, SCALE_DOWN_AND_UP, ZOMBIE, MIXED_ZONES,
            SIBLING_CONSUMERS, FAILING_STEP, RECREATED);

    private Scenarios() {
    }

    /**
     * Events whose metric_date is a timestamp (milliseconds), spread over the hours around midnight UTC, so that
     * the zone a replica turns them into days in decides their folder for about half of them.
     */
    static final class TimedEvents {
        static final int SCHEMA_ID = 2;
        static final Schema SCHEMA = new Schema.Parser().parse("""
                {"type": "record", "name": "TimedEvent", "namespace": "com.prism.lts.chaos",
                 "fields": [
                   {"name": "event_id", "type": "string"},
                   {"name": "metric_date", "type": {"type": "long", "logicalType": "timestamp-millis"}}
                 ]}""");

        static PacedStream stream(Scenario.Play play) {
            Instant first = Instant.parse("2018-01-01T00:00:00Z");
            long seed = play.topic().hashCode();
            return PacedStream.start(play.stage().kafka(), play.topic(), play.scale().partitions(),
                    play.scale().records(), play.scale().perSecond(), i -> {
                        GenericRecord event = new GenericData.Record(SCHEMA);
                        String id = new UUID(seed, i).toString();
                        event.put("event_id", id);
                        long hours = (i * 7919L) % (24L * play.scale().days());
                        event.put("metric_date", first.plusSeconds(3600 * hours).toEpochMilli());
                        return new PacedStream.Event(id, Events.wire(SCHEMA_ID, event), false);
                    });
        }
    }

    /** A step a user adds at the top of the archive route: it throws for about 1 poll in 8, at random. */
    static final class FailingStep {
        static final String YAML = """
                        - filter:
                            description: a step of the user's own, which fails for about 1 poll in 8
                            simple: "${random(8)} == 0"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: a step of the user's own failed
                """;
    }

    /**
     * Demo events for a topic's two incarnations, a third of the scale each time: the original ones; the same again
     * at the same offsets with the same producer timestamps, 3 in 4 corrected (another {@code duration_ms}) and the
     * others identical, sent as fast as a correction job would; then new ones at the scale's pace. An event is known
     * by its id and its {@code duration_ms}.
     */
    static final class Corrections {
        private final Scenario.Play play;
        private final DemoEvents demo;
        private final long firstTimestamp = System.currentTimeMillis();
        private final int third;

        Corrections(Scenario.Play play) {
            this.play = play;
            this.demo = new DemoEvents(LocalDate.of(2018, 1, 1), play.scale().days(), play.topic().hashCode());
            int partitions = play.scale().partitions();
            this.third = play.scale().records() / 3 / partitions * partitions;
        }

        static String identity(GenericRecord event) {
            return event.get("event_id") + "/" + event.get("duration_ms");
        }

        PacedStream original() {
            return stream(0, play.scale().perSecond(), false);
        }

        PacedStream again() {
            return stream(0, 10 * play.scale().perSecond(), true);
        }

        PacedStream more() {
            return stream(third, play.scale().perSecond(), false);
        }

        /** A third of the scale's events from the {@code from}-th on; each lands on partition {@code n % partitions}. */
        private PacedStream stream(int from, int perSecond, boolean corrected) {
            return PacedStream.start(play.stage().kafka(), play.topic(), play.scale().partitions(), third, perSecond,
                    i -> {
                        long n = from + i;
                        GenericRecord event = demo.event(n);
                        if (corrected && n % 4 != 0) {
                            event.put("duration_ms", (Long) event.get("duration_ms") + 1);
                        }
                        return new PacedStream.Event(identity(event), Events.wire(Events.DEMO_SCHEMA_ID, event),
                                false, firstTimestamp + n);
                    });
        }
    }

    /**
     * Demo events, those of partition 0 from a third of the stream on written with a schema whose first lookup
     * is slow: the consumer that owns partition 0 then waits on it.
     */
    static final class SlowSchema {
        static final int ID = 3;

        static PacedStream stream(Scenario.Play play) {
            DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 1), play.scale().days(),
                    play.topic().hashCode());
            int partitions = play.scale().partitions();
            int slowFrom = play.scale().records() / 3;
            return PacedStream.start(play.stage().kafka(), play.topic(), partitions, play.scale().records(),
                    play.scale().perSecond(), i -> {
                        GenericRecord event = demo.event(i);
                        int schema = i >= slowFrom && i % partitions == 0 ? ID : Events.DEMO_SCHEMA_ID;
                        return new PacedStream.Event(event.get("event_id").toString(), Events.wire(schema, event),
                                false);
                    });
        }
    }
}
