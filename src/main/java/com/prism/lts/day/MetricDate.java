package com.prism.lts.day;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * The day a record belongs to, read from its {@code metric_date} field (or another field, or a nested path such as
 * {@code meta.metric_date}).
 * <p>
 * Accepted values: a string {@code yyyy-MM-dd}; an ISO-8601 date-time (with an offset it is converted into the
 * configured zone, without one its own date is taken); an {@code int} with the {@code date} logical type; a
 * {@code long} with a {@code timestamp-*} logical type (converted into the configured zone) or a
 * {@code local-timestamp-*} one. The JVM's default time zone is never used.
 */
public final class MetricDate {

    private static final int MIN_YEAR = 1;
    private static final int MAX_YEAR = 9999;

    private final String path;
    private final List<String> names;
    private final ZoneId zone;
    private final Map<Schema, Schema> projections = new ConcurrentHashMap<>();

    public MetricDate(String path, ZoneId zone) {
        this.path = path;
        this.names = List.of(path.split("\\."));
        this.zone = zone;
    }

    /**
     * A reader schema for {@code writer} that keeps only the fields on the path to the metric date, so that a record
     * can be checked and dated without building all of its fields.
     */
    public Schema projection(Schema writer) {
        return projections.computeIfAbsent(writer, w -> project(w, 0));
    }

    private Schema project(Schema schema, int depth) {
        return switch (schema.getType()) {
            case RECORD -> {
                List<Schema.Field> kept = new ArrayList<>();
                Schema.Field field = depth < names.size() ? schema.getField(names.get(depth)) : null;
                if (field != null) {
                    Schema fieldSchema = depth + 1 < names.size() ? project(field.schema(), depth + 1) : field.schema();
                    kept.add(new Schema.Field(field.name(), fieldSchema));
                }
                yield Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
            }
            case UNION -> Schema.createUnion(schema.getTypes().stream().map(branch -> project(branch, depth)).toList());
            default -> schema;
        };
    }

    /** The record's day, or the reason it has none. */
    public LocalDate dayOf(IndexedRecord record) throws RecordRejectedException {
        Object value = record;
        Schema schema = record.getSchema();
        for (int i = 0; i < names.size(); i++) {
            String where = String.join(".", names.subList(0, i + 1));
            if (!(value instanceof IndexedRecord parent)) {
                throw missing("the record has no field " + path + ": " + String.join(".", names.subList(0, i))
                        + " is not a record");
            }
            Schema.Field field = parent.getSchema().getField(names.get(i));
            if (field == null) {
                throw missing("the record has no field " + where);
            }
            value = parent.get(field.pos());
            schema = field.schema();
            if (value == null) {
                throw missing(where + " is null");
            }
            if (schema.getType() == Schema.Type.UNION) {
                schema = schema.getTypes().get(GenericData.get().resolveUnion(schema, value));
            }
        }
        LocalDate day = toDay(value, schema);
        if (day.getYear() < MIN_YEAR || day.getYear() > MAX_YEAR) {
            throw unreadable(path + " " + day + " is outside the years " + MIN_YEAR + " to " + MAX_YEAR);
        }
        return day;
    }

    private LocalDate toDay(Object value, Schema schema) throws RecordRejectedException {
        LogicalType logical = schema.getLogicalType();
        try {
            if (value instanceof CharSequence text) {
                return parse(text.toString());
            }
            if (value instanceof Integer days && logical instanceof LogicalTypes.Date) {
                return LocalDate.ofEpochDay(days);
            }
            if (value instanceof Long time && logical != null) {
                return switch (logical.getName()) {
                    case "timestamp-millis" -> Instant.ofEpochMilli(time).atZone(zone).toLocalDate();
                    case "timestamp-micros" -> Instant.EPOCH.plus(time, ChronoUnit.MICROS).atZone(zone).toLocalDate();
                    case "timestamp-nanos" -> Instant.EPOCH.plusNanos(time).atZone(zone).toLocalDate();
                    case "local-timestamp-millis" -> Instant.ofEpochMilli(time).atOffset(ZoneOffset.UTC).toLocalDate();
                    case "local-timestamp-micros" ->
                        Instant.EPOCH.plus(time, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC).toLocalDate();
                    case "local-timestamp-nanos" ->
                        Instant.EPOCH.plusNanos(time).atOffset(ZoneOffset.UTC).toLocalDate();
                    default -> throw unreadable(path + " is a long with logical type " + logical.getName()
                            + ", which is not a timestamp");
                };
            }
        } catch (DateTimeException | ArithmeticException e) {
            throw unreadable(path + " " + value + " is not a date that can be stored: " + e.getMessage());
        }
        throw unreadable(path + " is " + describe(schema) + ", not a date string, a date or a timestamp");
    }

    private LocalDate parse(String text) throws RecordRejectedException {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException notADate) {
            try {
                return ZonedDateTime.parse(text).withZoneSameInstant(zone).toLocalDate();
            } catch (DateTimeParseException notAnOffsetDateTime) {
                try {
                    return LocalDateTime.parse(text).toLocalDate();
                } catch (DateTimeParseException notALocalDateTime) {
                    throw unreadable(path + " '" + text + "' is not a date: expected yyyy-MM-dd or an ISO-8601"
                            + " date-time");
                }
            }
        }
    }

    private static String describe(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        return "a " + schema.getType().getName() + (logical == null ? "" : " with logical type " + logical.getName());
    }

    private static RecordRejectedException missing(String detail) {
        return new RecordRejectedException(RejectReason.MISSING_METRIC_DATE, detail);
    }

    private static RecordRejectedException unreadable(String detail) {
        return new RecordRejectedException(RejectReason.UNREADABLE_METRIC_DATE, detail);
    }

    @Override
    public String toString() {
        return path + " in " + zone;
    }
}
