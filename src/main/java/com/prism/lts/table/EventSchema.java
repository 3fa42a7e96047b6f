package com.prism.lts.table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The Iceberg columns of a writer schema's events (docs/file-format.md, "The compacted table"). Every column is
 * optional, so that a later writer schema may drop a field; the catalog renumbers the field ids, so the ids given here
 * only need to be distinct.
 * <ul>
 * <li>{@code enum} and {@code string} (also with the {@code uuid} logical type) are strings; {@code bytes} binary;
 * {@code fixed} fixed of its size;</li>
 * <li>{@code decimal} of at most 38 digits a decimal, wider ones binary (Iceberg holds 38 at most);</li>
 * <li>{@code date}, {@code time-*}, {@code timestamp-millis/micros} (with zone), {@code local-timestamp-millis/micros}
 * (without) the Iceberg type of the same name; nanosecond timestamps stay longs (a table of format version 2 has no
 * nanoseconds);</li>
 * <li>{@code ["null", T]} an optional T; a union of two or more other types a struct with one field per branch, named
 * after the branch's type ({@code int}, {@code string}, a record's name): the branch that was written is the one
 * that is not null;</li>
 * <li>a field of type {@code null} has no column; a record that contains itself is refused.</li>
 * </ul>
 */
public final class EventSchema {

    /** The largest decimal Iceberg holds. */
    private static final int MAX_DECIMAL_PRECISION = 38;

    private int nextId = 1;
    private final String schemaId;
    private final Set<String> open = new HashSet<>();

    private EventSchema(String schemaId) {
        this.schemaId = schemaId;
    }

    /**
     * The columns of the events of {@code schema}.
     *
     * @throws SchemaRefused when no Iceberg column can hold them (a record containing itself, a top-level field with
     *                       a name the table uses itself)
     */
    public static Types.StructType columns(Schema schema, String schemaId) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new SchemaRefused("schema " + schemaId + " is a " + schema.getType().getName()
                    + ", not a record: its events have no fields to make columns of");
        }
        EventSchema mapping = new EventSchema(schemaId);
        Types.StructType columns = mapping.record(schema);
        for (Types.NestedField column : columns.fields()) {
            if (ArchiveTable.RESERVED_NAMES.contains(column.name())) {
                throw new SchemaRefused("schema " + schemaId + " has a field named " + column.name()
                        + ", a name the table keeps for itself or Iceberg's engines refuse as a column");
            }
        }
        return columns;
    }

    private Types.StructType record(Schema record) {
        if (!open.add(record.getFullName())) {
            throw new SchemaRefused("schema " + schemaId + " has record " + record.getFullName()
                    + " inside itself, which no Iceberg column can hold");
        }
        List<Types.NestedField> fields = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            Type type = type(field.schema());
            if (type != null) {
                fields.add(Types.NestedField.optional(nextId++, field.name(), type, field.doc()));
            }
        }
        open.remove(record.getFullName());
        return Types.StructType.of(fields);
    }

    /** The type of a value of {@code schema}; null for {@code null}, which needs no column. */
    private Type type(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        switch (schema.getType()) {
            case RECORD:
                return record(schema);
            case UNION:
                return union(schema);
            case ARRAY:
                Type element = type(schema.getElementType());
                return element == null ? null : Types.ListType.ofOptional(nextId++, element);
            case MAP:
                Type value = type(schema.getValueType());
                return value == null ? null
                        : Types.MapType.ofOptional(nextId++, nextId++, Types.StringType.get(), value);
            case ENUM:
            case STRING:
                return Types.StringType.get();
            case BYTES:
                return decimal(logical, Types.BinaryType.get());
            case FIXED:
                return decimal(logical, Types.FixedType.ofLength(schema.getFixedSize()));
            case INT:
                if (logical instanceof LogicalTypes.Date) {
                    return Types.DateType.get();
                }
                return logical instanceof LogicalTypes.TimeMillis ? Types.TimeType.get() : Types.IntegerType.get();
            case LONG:
                return longType(logical);
            case FLOAT:
                return Types.FloatType.get();
            case DOUBLE:
                return Types.DoubleType.get();
            case BOOLEAN:
                return Types.BooleanType.get();
            case NULL:
                return null;
            default:
                throw new SchemaRefused("schema " + schemaId + " has a value of type " + schema.getType()
                        + ", which has no Iceberg column");
        }
    }

    private static Type longType(LogicalType logical) {
        if (logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.TimestampMicros) {
            return Types.TimestampType.withZone();
        }
        if (logical instanceof LogicalTypes.LocalTimestampMillis
                || logical instanceof LogicalTypes.LocalTimestampMicros) {
            return Types.TimestampType.withoutZone();
        }
        return logical instanceof LogicalTypes.TimeMicros ? Types.TimeType.get() : Types.LongType.get();
    }

    private static Type decimal(LogicalType logical, Type otherwise) {
        if (logical instanceof LogicalTypes.Decimal decimal && decimal.getPrecision() <= MAX_DECIMAL_PRECISION) {
            return Types.DecimalType.of(decimal.getPrecision(), decimal.getScale());
        }
        return logical instanceof LogicalTypes.Decimal ? Types.BinaryType.get() : otherwise;
    }

    private Type union(Schema union) {
        List<Schema> branches = branches(union);
        if (branches.isEmpty()) {
            return null;
        }
        if (branches.size() == 1) {
            return type(branches.get(0));
        }
        List<Types.NestedField> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Schema branch : branches) {
            String name = branchName(branch);
            if (!names.add(name)) {
                throw new SchemaRefused("schema " + schemaId + " has a union with two branches named " + name
                        + ", which one struct cannot hold as two fields");
            }
            fields.add(Types.NestedField.optional(nextId++, name, type(branch)));
        }
        return Types.StructType.of(fields);
    }

    /** The branches of a union that are not {@code null}, in order. */
    static List<Schema> branches(Schema union) {
        return union.getTypes().stream().filter(branch -> branch.getType() != Schema.Type.NULL).toList();
    }

    /** A union branch's field name: the name of a record, enum or fixed, or the primitive type's name. */
    static String branchName(Schema branch) {
        return switch (branch.getType()) {
            case RECORD, ENUM, FIXED -> branch.getName();
            default -> branch.getType().getName();
        };
    }
}
