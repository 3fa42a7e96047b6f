package com.prism.lts.table;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.generic.IndexedRecord;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.types.Types;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * The Iceberg table of one archived topic (docs/file-format.md, "The compacted table"): the events' own fields as
 * columns, and one struct, {@code prism}, with every row's provenance, its value's exact bytes and the small file it
 * was folded in from. Partitioned by the archive's day ({@code prism.day}, the day folder the row came from), sorted by
 * Kafka partition and offset, so that an audit reads a day's offsets from two columns and a restore reads its rows in
 * offset order ({@link CompactedDay}).
 */
public final class ArchiveTable {

    public static final String PROVENANCE = "prism";
    /** The partition field: the day, {@code prism.day}. */
    public static final String DAY_PARTITION = "prism_day";

    public static final String TOPIC = "topic";
    public static final String TOPIC_ID = "topic_id";
    public static final String PARTITION = "partition";
    public static final String OFFSET = "offset";
    public static final String TIMESTAMP = "timestamp";
    public static final String TIMESTAMP_TYPE = "timestamp_type";
    public static final String KEY = "key";
    public static final String HEADERS = "headers";
    public static final String SCHEMA_ID = "schema_id";
    public static final String DAY = "day";
    public static final String VALUE = "value";
    public static final String FILE = "file";
    public static final String FILE_ETAG = "file_etag";

    /**
     * Names an event's top-level field may not have: the table's own, and Iceberg's metadata columns, which Spark
     * refuses as columns of a table.
     */
    static final Set<String> RESERVED_NAMES = Set.of(PROVENANCE, DAY_PARTITION, "_partition", "_file", "_pos",
            "_spec_id", "_deleted", "_row_id", "_last_updated_sequence_number");

    /** Table property: the writer schema ids whose events the table's schema holds, comma-separated. */
    public static final String SCHEMA_IDS = "prism.schema-ids";

    private static final Types.StructType HEADER = Types.StructType.of(
            Types.NestedField.required(10_020, "key", Types.StringType.get()),
            Types.NestedField.optional(10_021, "value", Types.BinaryType.get()));

    /** The provenance struct; the catalog gives its fields other ids when it creates the table. */
    static final Types.StructType PROVENANCE_TYPE = Types.StructType.of(
            Types.NestedField.required(10_001, TOPIC, Types.StringType.get(), "Kafka topic"),
            Types.NestedField.optional(10_002, TOPIC_ID, Types.StringType.get(),
                    "Kafka topic id of the topic incarnation; null in files before format version 3"),
            Types.NestedField.required(10_003, PARTITION, Types.IntegerType.get(), "Kafka partition"),
            Types.NestedField.required(10_004, OFFSET, Types.LongType.get(), "Kafka offset"),
            Types.NestedField.required(10_005, TIMESTAMP, Types.TimestampType.withZone(), "Kafka timestamp"),
            Types.NestedField.optional(10_006, TIMESTAMP_TYPE, Types.StringType.get(),
                    "CreateTime, LogAppendTime or NoTimestampType; null in files of format version 1"),
            Types.NestedField.optional(10_007, KEY, Types.BinaryType.get(), "Kafka key; null when it had none"),
            Types.NestedField.optional(10_008, HEADERS, Types.ListType.ofRequired(10_009, HEADER),
                    "Kafka headers in order, duplicates kept; null in files of format version 1"),
            Types.NestedField.required(10_010, SCHEMA_ID, Types.StringType.get(), "writer schema id"),
            Types.NestedField.required(10_011, DAY, Types.DateType.get(), "the archive's day (metric date)"),
            Types.NestedField.required(10_012, VALUE, Types.BinaryType.get(),
                    "the value's Avro bytes as the producer sent them, after the 5-byte wire format header"),
            Types.NestedField.required(10_013, FILE, Types.StringType.get(), "S3 key of the small file it came from"),
            Types.NestedField.required(10_014, FILE_ETAG, Types.StringType.get(), "that file's ETag"));

    private final Table table;

    private ArchiveTable(Table table) {
        this.table = table;
    }

    public Table table() {
        return table;
    }

    /** The table, loaded; empty when it does not exist yet. */
    public static java.util.Optional<ArchiveTable> load(Catalog catalog, TableIdentifier id) {
        try {
            return java.util.Optional.of(new ArchiveTable(catalog.loadTable(id)));
        } catch (NoSuchTableException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The table, created with the columns of {@code schema}'s events if it does not exist yet.
     *
     * @param locationRoot where to create it: a folder of its own is made there, named after the table and a random
     *                     suffix, so that a table created again (after its catalog was lost) never shares a folder,
     *                     and so orphan files, with an earlier one; empty: where the catalog puts it
     */
    public static ArchiveTable open(Catalog catalog, TableIdentifier id, org.apache.avro.Schema schema,
            String schemaId, java.util.Optional<String> locationRoot) {
        java.util.Optional<ArchiveTable> existing = load(catalog, id);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(id.namespace())) {
            try {
                namespaces.createNamespace(id.namespace());
            } catch (AlreadyExistsException createdMeanwhile) {
                // another compactor created it: the same namespace
            }
        }
        Schema columns = schema(EventSchema.columns(schema, schemaId));
        java.util.Optional<String> location = locationRoot.map(root -> root + "/"
                + String.join("/", id.namespace().levels()) + "/" + id.name() + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8));
        try {
            Catalog.TableBuilder builder = catalog.buildTable(id, columns);
            location.ifPresent(builder::withLocation);
            return new ArchiveTable(builder.withPartitionSpec(spec(columns))
                    .withSortOrder(sortOrder(columns))
                    .withProperties(Map.of(TableProperties.FORMAT_VERSION, "2",
                            TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
                            SCHEMA_IDS, schemaId))
                    .create());
        } catch (AlreadyExistsException createdMeanwhile) {
            Table created = catalog.loadTable(id);
            // the folder of the table this one lost to another compactor holds its first metadata file, and is no
            // other table's: its name is random
            location.filter(folder -> !folder.equals(created.location())
                    && created.io() instanceof SupportsPrefixOperations)
                    .ifPresent(folder -> ((SupportsPrefixOperations) created.io()).deletePrefix(folder + "/"));
            return new ArchiveTable(created);
        }
    }

    static Schema schema(Types.StructType events) {
        List<Types.NestedField> fields = new ArrayList<>(events.fields());
        fields.add(Types.NestedField.required(10_000, PROVENANCE, PROVENANCE_TYPE,
                "where the row came from: Kafka provenance, the value's bytes, the small file"));
        return new Schema(fields);
    }

    private static PartitionSpec spec(Schema schema) {
        return PartitionSpec.builderFor(schema).identity(column(DAY), DAY_PARTITION).build();
    }

    private static SortOrder sortOrder(Schema schema) {
        return SortOrder.builderFor(schema).asc(column(PARTITION)).asc(column(OFFSET)).build();
    }

    /** The name of a provenance field as a column: {@code prism.offset}. */
    public static String column(String provenanceField) {
        return PROVENANCE + "." + provenanceField;
    }

    /** The rows of one day. */
    public static Expression dayIs(LocalDate day) {
        return Expressions.equal(column(DAY), day.toString());
    }

    /** The writer schema ids whose events the table's schema holds. */
    public Set<String> schemaIds() {
        String ids = table.properties().getOrDefault(SCHEMA_IDS, "");
        return new LinkedHashSet<>(ids.isEmpty() ? List.of() : Arrays.asList(ids.split(",")));
    }

    /**
     * Makes the table's schema hold the events of {@code schema} too: added fields become optional columns, and
     * types widen as Iceberg allows ({@code int} to {@code long}, {@code float} to {@code double}, wider decimals).
     *
     * @throws SchemaRefused when Iceberg cannot follow the change (a field that changes to an unrelated type)
     */
    public void accept(org.apache.avro.Schema schema, String schemaId) {
        Set<String> known = schemaIds();
        if (known.contains(schemaId)) {
            return;
        }
        Schema columns = schema(EventSchema.columns(schema, schemaId));
        try {
            Transaction transaction = table.newTransaction();
            transaction.updateSchema().unionByNameWith(columns).commit();
            known.add(schemaId);
            transaction.updateProperties().set(SCHEMA_IDS, String.join(",", known)).commit();
            transaction.commitTransaction();
        } catch (IllegalArgumentException | ValidationException e) {
            table.refresh();
            throw new SchemaRefused("schema " + schemaId + " cannot join the table " + table.name()
                    + " (built from schemas " + String.join(", ", schemaIds()) + "): " + e.getMessage());
        }
        table.refresh();
    }

    /** A row of the table's current schema. */
    public Record row(IndexedRecord event, Provenance provenance) {
        Record row = GenericRecord.create(table.schema());
        EventValues.fill(row, event);
        Types.StructType type = table.schema().findField(PROVENANCE).type().asStructType();
        Record prism = GenericRecord.create(type);
        prism.setField(TOPIC, provenance.topic());
        prism.setField(TOPIC_ID, provenance.topicId());
        prism.setField(PARTITION, provenance.partition());
        prism.setField(OFFSET, provenance.offset());
        prism.setField(TIMESTAMP, OffsetDateTime.ofInstant(Instant.ofEpochMilli(provenance.timestamp()),
                ZoneOffset.UTC));
        prism.setField(TIMESTAMP_TYPE, provenance.timestampType() == null ? null
                : provenance.timestampType().name);
        prism.setField(KEY, provenance.key() == null ? null : ByteBuffer.wrap(provenance.key()));
        prism.setField(HEADERS, provenance.headers() == null ? null : headers(provenance.headers(),
                type.field(HEADERS).type().asListType().elementType().asStructType()));
        prism.setField(SCHEMA_ID, provenance.schemaId());
        prism.setField(DAY, provenance.day());
        prism.setField(VALUE, ByteBuffer.wrap(provenance.value()));
        prism.setField(FILE, provenance.file());
        prism.setField(FILE_ETAG, provenance.fileETag());
        row.setField(PROVENANCE, prism);
        return row;
    }

    private static List<Record> headers(Header[] headers, Types.StructType type) {
        List<Record> list = new ArrayList<>(headers.length);
        for (Header header : headers) {
            Record record = GenericRecord.create(type);
            record.setField("key", header.key());
            record.setField("value", header.value() == null ? null : ByteBuffer.wrap(header.value()));
            list.add(record);
        }
        return list;
    }

    /**
     * Everything the {@code prism} struct of a row holds.
     *
     * @param timestampType null for a file of format version 1, which kept none
     * @param headers       null for a file of format version 1, which kept none
     * @param value         the value's Avro bytes as the producer sent them (after the wire format header)
     */
    public record Provenance(String topic, String topicId, int partition, long offset, long timestamp,
            TimestampType timestampType, byte[] key, Header[] headers, String schemaId, LocalDate day, byte[] value,
            String file, String fileETag) {
    }
}
