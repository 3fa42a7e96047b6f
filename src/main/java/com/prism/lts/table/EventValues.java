package com.prism.lts.table;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * An event's values as the table's columns hold them ({@link EventSchema} says which column a value goes to): the
 * columns are the table's, which may be wider than the writer's (an {@code int} field in a {@code long} column, a
 * {@code float} in a {@code double}) and have fields the writer schema has not (null).
 */
public final class EventValues {

    private EventValues() {
    }

    /** Fills the event columns of {@code row}, a row of the table, from {@code event}. */
    public static void fill(Record row, IndexedRecord event) {
        fill(row, row.struct().fields().stream().filter(column -> !ArchiveTable.PROVENANCE.equals(column.name()))
                .toList(), event);
    }

    private static void fill(Record row, List<Types.NestedField> columns, IndexedRecord event) {
        Schema schema = event.getSchema();
        for (Types.NestedField column : columns) {
            Schema.Field field = schema.getField(column.name());
            row.setField(column.name(), field == null ? null : value(event.get(field.pos()), field.schema(),
                    column.type()));
        }
    }

    static Object value(Object value, Schema schema, Type type) {
        if (value == null) {
            return null;
        }
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case UNION:
                return union(value, schema, type);
            case RECORD:
                return record((IndexedRecord) value, type.asStructType());
            case ARRAY:
                List<Object> list = new ArrayList<>();
                for (Object element : (Collection<?>) value) {
                    list.add(value(element, schema.getElementType(), type.asListType().elementType()));
                }
                return list;
            case MAP:
                Map<String, Object> map = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> map.put(k.toString(),
                        value(v, schema.getValueType(), type.asMapType().valueType())));
                return map;
            case ENUM:
            case STRING:
                return value.toString();
            case BYTES:
                return bytes(bytesOf((ByteBuffer) value), logical, type);
            case FIXED:
                return bytes(((GenericFixed) value).bytes().clone(), logical, type);
            case INT:
                return intValue((Integer) value, logical, type);
            case LONG:
                return longValue((Long) value, logical);
            case FLOAT:
                return type.typeId() == Type.TypeID.DOUBLE ? (double) (Float) value : value;
            case DOUBLE:
            case BOOLEAN:
                return value;
            default:
                return null;
        }
    }

    private static Record record(IndexedRecord value, Types.StructType struct) {
        Record record = GenericRecord.create(struct);
        fill(record, struct.fields(), value);
        return record;
    }

    private static Object union(Object value, Schema union, Type type) {
        Schema branch = union.getTypes().get(GenericData.get().resolveUnion(union, value));
        if (branch.getType() == Schema.Type.NULL) {
            return null;
        }
        if (EventSchema.branches(union).size() == 1) {
            return value(value, branch, type);
        }
        Types.StructType struct = type.asStructType();
        Record record = GenericRecord.create(struct);
        String name = EventSchema.branchName(branch);
        record.setField(name, value(value, branch, struct.field(name).type()));
        return record;
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static Object bytes(byte[] bytes, LogicalType logical, Type type) {
        if (type.typeId() == Type.TypeID.DECIMAL) {
            return new BigDecimal(new BigInteger(bytes), ((LogicalTypes.Decimal) logical).getScale());
        }
        return type.typeId() == Type.TypeID.FIXED ? bytes : ByteBuffer.wrap(bytes);
    }

    private static Object intValue(int value, LogicalType logical, Type type) {
        if (logical instanceof LogicalTypes.Date) {
            return LocalDate.ofEpochDay(value);
        }
        if (logical instanceof LogicalTypes.TimeMillis) {
            return LocalTime.ofNanoOfDay(value * 1_000_000L);
        }
        return type.typeId() == Type.TypeID.LONG ? (Object) (long) value : (Object) value;
    }

    private static Object longValue(long value, LogicalType logical) {
        if (logical instanceof LogicalTypes.TimestampMillis) {
            return OffsetDateTime.ofInstant(Instant.ofEpochMilli(value), ZoneOffset.UTC);
        }
        if (logical instanceof LogicalTypes.TimestampMicros) {
            return OffsetDateTime.ofInstant(Instant.EPOCH.plus(value, ChronoUnit.MICROS), ZoneOffset.UTC);
        }
        if (logical instanceof LogicalTypes.LocalTimestampMillis) {
            return LocalDateTime.ofInstant(Instant.ofEpochMilli(value), ZoneOffset.UTC);
        }
        if (logical instanceof LogicalTypes.LocalTimestampMicros) {
            return LocalDateTime.ofInstant(Instant.EPOCH.plus(value, ChronoUnit.MICROS), ZoneOffset.UTC);
        }
        if (logical instanceof LogicalTypes.TimeMicros) {
            return LocalTime.ofNanoOfDay(value * 1_000L);
        }
        return value;
    }
}
