package com.prism.lts.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * An Athena (AWS Glue) table over a topic's small files as they lie, the days not compacted yet: {@code CREATE EXTERNAL
 * TABLE} with Hive's Avro SerDe, a reader schema that reads every writer schema of the topic, and partition projection
 * on the day folders ({@code year=YYYY/month=MM/day=DD}), so that no partition is ever added or crawled.
 * docs/compaction.md, "Recent days", shows it and its queries.
 */
public final class AthenaTable {

    /** The partition columns, named as the folders are, unless an event field has one of the names. */
    private static final List<String> FOLDERS = List.of("year", "month", "day");
    /** Projected years end here: a table generated today still finds the days of the years after. */
    static final int LAST_YEAR = 2099;

    private AthenaTable() {
    }

    /** A field of the writer schema the table leaves out, and why. */
    public record LeftOut(String field, String why) {
    }

    /** The reader schema: the writer schema without the fields Athena cannot type, which are listed apart. */
    public record ReaderSchema(Schema schema, List<LeftOut> leftOut) {
    }

    /**
     * The writer schema as the table reads it: a field whose type holds a union of two or more types besides
     * {@code null} is left out (Athena has no union type), so that the columns and the Avro schema agree.
     */
    public static ReaderSchema readerSchema(Schema writer) {
        List<Schema.Field> fields = new ArrayList<>();
        List<LeftOut> leftOut = new ArrayList<>();
        for (Schema.Field field : writer.getFields()) {
            String why = untyped(field.schema());
            if (why == null) {
                fields.add(new Schema.Field(field, field.schema()));
            } else {
                leftOut.add(new LeftOut(field.name(), why));
            }
        }
        Schema reader = Schema.createRecord(writer.getName(), writer.getDoc(), writer.getNamespace(), writer.isError(),
                fields);
        writer.getObjectProps().forEach(reader::addProp);
        return new ReaderSchema(reader, leftOut);
    }

    /** Why Athena cannot type a schema, or null when it can. */
    private static String untyped(Schema schema) {
        return switch (schema.getType()) {
            case UNION -> {
                List<Schema> branches = schema.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL)
                        .toList();
                yield branches.size() == 1 ? untyped(branches.get(0))
                        : "a union of " + branches.stream().map(b -> b.getType().getName()).toList()
                                + ", which Athena has no type for";
            }
            case NULL -> "always null";
            case ARRAY -> untyped(schema.getElementType());
            case MAP -> untyped(schema.getValueType());
            case RECORD -> schema.getFields().stream().map(f -> untyped(f.schema())).filter(w -> w != null)
                    .findFirst().orElse(null);
            default -> null;
        };
    }

    /**
     * The statement.
     *
     * @param database  the Glue database
     * @param name      the table's name
     * @param location  the topic's folder, {@code s3://bucket/prefix/topic/}
     * @param reader    the reader schema ({@link #readerSchema})
     * @param schemaIds the writer schemas it was built from and reads, for the comment
     * @param firstYear the first year archived: projection starts there
     */
    public static String ddl(String database, String name, String location, ReaderSchema reader, Set<String> schemaIds,
            int firstYear) {
        Set<String> taken = new java.util.HashSet<>();
        reader.schema().getFields().forEach(f -> taken.add(f.name().toLowerCase(Locale.ROOT)));
        List<String> partitions = FOLDERS.stream().map(folder -> taken.contains(folder) ? "prism_" + folder : folder)
                .toList();
        StringBuilder ddl = new StringBuilder();
        ddl.append("-- The days of ").append(location).append(" not compacted yet, read from the small files where")
                .append(" they lie\n-- (Avro; writer schemas ").append(String.join(", ", schemaIds))
                .append("; docs/compaction.md). Filter on year, month and day.\n");
        for (LeftOut left : reader.leftOut()) {
            ddl.append("-- Left out: ").append(left.field()).append(", ").append(left.why()).append(".\n");
        }
        ddl.append("CREATE EXTERNAL TABLE IF NOT EXISTS `").append(database).append("`.`").append(name)
                .append("` (\n");
        List<String> columns = new ArrayList<>();
        for (Schema.Field field : reader.schema().getFields()) {
            columns.add("  `" + field.name() + "` " + type(field.schema()));
        }
        ddl.append(String.join(",\n", columns)).append("\n)\n");
        ddl.append("PARTITIONED BY (").append(String.join(", ", partitions.stream().map(p -> "`" + p + "` string")
                .toList())).append(")\n");
        ddl.append("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.avro.AvroSerDe'\n");
        ddl.append("WITH SERDEPROPERTIES ('avro.schema.literal' = '").append(quoted(reader.schema().toString()))
                .append("')\n");
        ddl.append("STORED AS AVRO\n");
        ddl.append("LOCATION '").append(location).append("'\n");
        ddl.append("TBLPROPERTIES (\n");
        ddl.append("  'projection.enabled' = 'true',\n");
        ddl.append(projection(partitions.get(0), firstYear + "," + LAST_YEAR, 4));
        ddl.append(projection(partitions.get(1), "1,12", 2));
        ddl.append(projection(partitions.get(2), "1,31", 2));
        ddl.append("  'storage.location.template' = '").append(location).append("year=${").append(partitions.get(0))
                .append("}/month=${").append(partitions.get(1)).append("}/day=${").append(partitions.get(2))
                .append("}/'\n);\n");
        return ddl.toString();
    }

    private static String projection(String column, String range, int digits) {
        return "  'projection." + column + ".type' = 'integer', 'projection." + column + ".range' = '" + range
                + "', 'projection." + column + ".digits' = '" + digits + "',\n";
    }

    /** A string in a DDL literal: Hive unescapes backslashes, and a quote ends it. */
    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("'", "\\'");
    }

    /** The Athena (Hive) type Hive's Avro SerDe reads a schema as. */
    static String type(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            return "decimal(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
        }
        if (logical instanceof LogicalTypes.Date) {
            return "date";
        }
        if (logical instanceof LogicalTypes.TimestampMillis) {
            return "timestamp";
        }
        return switch (schema.getType()) {
            case STRING, ENUM -> "string";
            case INT -> "int";
            case LONG -> "bigint";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case BOOLEAN -> "boolean";
            case BYTES, FIXED -> "binary";
            case ARRAY -> "array<" + type(schema.getElementType()) + ">";
            case MAP -> "map<string," + type(schema.getValueType()) + ">";
            case RECORD -> "struct<" + String.join(",", schema.getFields().stream().map(f -> f.name() + ":"
                    + type(f.schema())).toList()) + ">";
            case UNION -> type(schema.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).findFirst()
                    .orElseThrow());
            case NULL -> throw new IllegalArgumentException("a null field has no column");
        };
    }
}
