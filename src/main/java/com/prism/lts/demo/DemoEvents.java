package com.prism.lts.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Events shaped like {@code ac-user-event}: a user did something in a workspace on some day. About 300 bytes of Avro
 * each. The same seed gives the same events, and each event's day is spread over {@code days} days from
 * {@code firstDay}.
 */
public final class DemoEvents {

    public static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "UserEvent", "namespace": "com.prism.events",
             "doc": "Something a user did, on the day of metric_date",
             "fields": [
               {"name": "event_id", "type": "string"},
               {"name": "user_id", "type": "string"},
               {"name": "workspace_id", "type": "string"},
               {"name": "event_type", "type": "string"},
               {"name": "metric_date", "type": "string"},
               {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
               {"name": "duration_ms", "type": "long"},
               {"name": "properties", "type": {"type": "map", "values": "string"}}
             ]}""");

    private static final String[] TYPES = {"page_view", "story_created", "story_updated", "iteration_closed",
        "comment_added", "defect_resolved", "login", "export_started"};
    private static final String[] BROWSERS = {"firefox", "chrome", "safari", "edge"};

    private final LocalDate firstDay;
    private final int days;
    private final long seed;

    public DemoEvents(LocalDate firstDay, int days, long seed) {
        this.firstDay = firstDay;
        this.days = days;
        this.seed = seed;
    }

    /** The {@code i}-th event. */
    public GenericRecord event(long i) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003 + i);
        LocalDate day = firstDay.plusDays(random.nextInt(days));
        long occurredAt = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() + random.nextLong(86_400_000L);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("browser", BROWSERS[random.nextInt(BROWSERS.length)]);
        properties.put("page", "/workspaces/" + random.nextInt(1000) + "/projects/" + random.nextInt(100000));
        properties.put("session", new UUID(random.nextLong(), random.nextLong()).toString());
        properties.put("release", "2018." + random.nextInt(52));
        GenericRecord event = new GenericData.Record(SCHEMA);
        event.put("event_id", new UUID(seed, i).toString());
        event.put("user_id", "user-" + random.nextInt(100_000));
        event.put("workspace_id", "ws-" + random.nextInt(1000));
        event.put("event_type", TYPES[random.nextInt(TYPES.length)]);
        event.put("metric_date", day.toString());
        event.put("occurred_at", occurredAt);
        event.put("duration_ms", random.nextLong(60_000));
        event.put("properties", properties);
        return event;
    }

    /** An event's Avro binary encoding, without any framing. */
    public static byte[] encode(GenericRecord event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(384);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(event.getSchema()).write(event, encoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
