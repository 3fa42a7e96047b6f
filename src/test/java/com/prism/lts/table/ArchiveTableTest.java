package com.prism.lts.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** How writer schemas become the table's columns, how the table follows them, and what a row holds. */
class ArchiveTableTest {

    static final Schema INNER = new Schema.Parser().parse("""
            {"type": "record", "name": "Inner", "fields": [
              {"name": "x", "type": "int"}, {"name": "tags", "type": {"type": "array", "items": "string"}}]}""");
    static final Schema ALL = new Schema.Parser().parse("""
            {"type": "record", "name": "All", "namespace": "t", "fields": [
              {"name": "i", "type": "int"}, {"name": "l", "type": "long"}, {"name": "f", "type": "float"},
              {"name": "d", "type": "double"}, {"name": "b", "type": "boolean"}, {"name": "s", "type": "string"},
              {"name": "by", "type": "bytes"}, {"name": "fx", "type": {"type": "fixed", "name": "F4", "size": 4}},
              {"name": "e", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "GREEN"]}},
              {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
              {"name": "decfx", "type": {"type": "fixed", "name": "F8", "size": 8, "logicalType": "decimal",
                "precision": 18, "scale": 4}},
              {"name": "wide", "type": {"type": "bytes", "logicalType": "decimal", "precision": 40, "scale": 0}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
              {"name": "tu", "type": {"type": "long", "logicalType": "time-micros"}},
              {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
              {"name": "lts", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
              {"name": "tsn", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
              {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "opt", "type": ["null", "string"], "default": null},
              {"name": "multi", "type": ["null", "int", "string", {"type": "record", "name": "Inner", "fields": [
                {"name": "x", "type": "int"}, {"name": "tags", "type": {"type": "array", "items": "string"}}]}]},
              {"name": "list", "type": {"type": "array", "items": "Inner"}},
              {"name": "map", "type": {"type": "map", "values": "long"}},
              {"name": "nested", "type": "Inner"},
              {"name": "nothing", "type": "null"}]}""");

    @Test
    void every_avro_type_has_a_column_of_the_matching_iceberg_type() {
        Types.StructType columns = EventSchema.columns(ALL, "7");

        assertThat(type(columns, "i")).isEqualTo(Types.IntegerType.get());
        assertThat(type(columns, "f")).isEqualTo(Types.FloatType.get());
        assertThat(type(columns, "by")).isEqualTo(Types.BinaryType.get());
        assertThat(type(columns, "fx")).isEqualTo(Types.FixedType.ofLength(4));
        assertThat(type(columns, "e")).isEqualTo(Types.StringType.get());
        assertThat(type(columns, "dec")).isEqualTo(Types.DecimalType.of(10, 2));
        assertThat(type(columns, "decfx")).isEqualTo(Types.DecimalType.of(18, 4));
        assertThat(type(columns, "wide")).as("wider than Iceberg's 38 digits").isEqualTo(Types.BinaryType.get());
        assertThat(type(columns, "day")).isEqualTo(Types.DateType.get());
        assertThat(type(columns, "tm")).isEqualTo(Types.TimeType.get());
        assertThat(type(columns, "tu")).isEqualTo(Types.TimeType.get());
        assertThat(type(columns, "tsm")).isEqualTo(Types.TimestampType.withZone());
        assertThat(type(columns, "tsu")).isEqualTo(Types.TimestampType.withZone());
        assertThat(type(columns, "lts")).isEqualTo(Types.TimestampType.withoutZone());
        assertThat(type(columns, "tsn")).isEqualTo(Types.LongType.get());
        assertThat(type(columns, "id")).isEqualTo(Types.StringType.get());
        assertThat(type(columns, "opt")).isEqualTo(Types.StringType.get());
        assertThat(type(columns, "multi").asStructType().fields()).extracting(Types.NestedField::name)
                .containsExactly("int", "string", "Inner");
        assertThat(type(columns, "list").asListType().elementType().asStructType().fieldType("tags").asListType()
                .elementType()).isEqualTo(Types.StringType.get());
        assertThat(type(columns, "map").asMapType().valueType()).isEqualTo(Types.LongType.get());
        assertThat(columns.field("nothing")).as("a null field has no column").isNull();
        assertThat(columns.fields()).allMatch(Types.NestedField::isOptional);
    }

    @Test
    void an_event_of_every_type_is_written_to_parquet_and_read_back_with_icebergs_reader() throws IOException {
        ArchiveTable table = table(ALL, "7");
        GenericRecord event = allTypes();

        Record back = writeAndRead(table, List.of(event)).get(0);

        assertThat(back.getField("i")).isEqualTo(-7);
        assertThat((Double) back.getField("d")).isNaN();
        assertThat(back.getField("s")).isEqualTo("héllo");
        assertThat(back.getField("fx")).isEqualTo(new byte[] {1, 2, 3, 4});
        assertThat(back.getField("e")).isEqualTo("GREEN");
        assertThat(back.getField("dec")).isEqualTo(new BigDecimal("-1234.56"));
        assertThat(back.getField("decfx")).isEqualTo(new BigDecimal("12345678901234.5678"));
        assertThat(back.getField("day")).isEqualTo(LocalDate.of(2018, 1, 4));
        assertThat(back.getField("tm")).isEqualTo(LocalTime.of(12, 34, 56, 789_000_000));
        assertThat(back.getField("tu")).isEqualTo(LocalTime.of(12, 34, 56, 789_012_000));
        assertThat(back.getField("tsm")).isEqualTo(OffsetDateTime.of(2018, 1, 4, 12, 0, 0, 123_000_000,
                ZoneOffset.UTC));
        assertThat(back.getField("tsu")).isEqualTo(OffsetDateTime.of(2018, 1, 4, 12, 0, 0, 123_456_000,
                ZoneOffset.UTC));
        assertThat(back.getField("lts")).isEqualTo(LocalDateTime.of(2018, 1, 4, 12, 0, 0, 123_000_000));
        assertThat(back.getField("tsn")).isEqualTo(1_515_067_200_123_456_789L);
        Record multi = (Record) back.getField("multi");
        assertThat(multi.getField("string")).isEqualTo("branch");
        assertThat(multi.getField("int")).isNull();
        assertThat(((Record) ((List<?>) back.getField("list")).get(1)).getField("tags")).isEqualTo(List.of("a", "b"));
        assertThat(back.getField("map")).isEqualTo(Map.of("k", 5L));
        assertThat(((Record) back.getField("nested")).getField("x")).isEqualTo(3);
        Record prism = (Record) back.getField(ArchiveTable.PROVENANCE);
        assertThat(prism.getField(ArchiveTable.KEY)).isEqualTo(ByteBuffer.wrap(new byte[0]));
        assertThat(((List<?>) prism.getField(ArchiveTable.HEADERS))).hasSize(3).extracting(h -> ((Record) h)
                .getField("value")).containsExactly(ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {1}),
                        null);
        assertThat(prism.getField(ArchiveTable.TIMESTAMP_TYPE)).isEqualTo("LogAppendTime");
    }

    @Test
    void added_optional_fields_and_wider_types_join_the_table() throws IOException {
        Schema v1 = record("{\"name\": \"n\", \"type\": \"int\"}, {\"name\": \"x\", \"type\": \"float\"}");
        Schema v2 = record("{\"name\": \"n\", \"type\": \"long\"}, {\"name\": \"x\", \"type\": \"double\"},"
                + " {\"name\": \"added\", \"type\": [\"null\", \"string\"], \"default\": null}");
        ArchiveTable table = table(v1, "1");

        table.accept(v2, "2");

        assertThat(table.table().schema().findType("n")).isEqualTo(Types.LongType.get());
        assertThat(table.table().schema().findType("x")).isEqualTo(Types.DoubleType.get());
        assertThat(table.table().schema().findType("added")).isEqualTo(Types.StringType.get());
        assertThat(table.schemaIds()).containsExactly("1", "2");
        GenericRecord old = new GenericData.Record(v1);
        old.put("n", 5);
        old.put("x", Float.NaN);
        Record back = writeAndRead(table, List.of(old)).get(0);
        assertThat(back.getField("n")).as("an int of schema 1 in the long column").isEqualTo(5L);
        assertThat((Double) back.getField("x")).isNaN();
        assertThat(back.getField("added")).isNull();
    }

    @Test
    void a_change_iceberg_cannot_follow_is_refused_in_one_sentence_naming_the_schemas() {
        ArchiveTable table = table(record("{\"name\": \"n\", \"type\": \"int\"}"), "1");
        table.accept(record("{\"name\": \"n\", \"type\": \"long\"}"), "2");

        assertThatThrownBy(() -> table.accept(record("{\"name\": \"n\", \"type\": \"string\"}"), "3"))
                .isInstanceOf(SchemaRefused.class)
                .hasMessageStartingWith("schema 3 cannot join the table ")
                .hasMessageContaining("(built from schemas 1, 2): ")
                .hasMessageContaining("long -> string");
        assertThat(table.schemaIds()).containsExactly("1", "2");
    }

    @Test
    void records_inside_themselves_and_the_tables_own_names_are_refused() {
        Schema recursive = new Schema.Parser().parse("""
                {"type": "record", "name": "Node", "fields": [{"name": "next", "type": ["null", "Node"]}]}""");

        assertThatThrownBy(() -> EventSchema.columns(recursive, "4")).isInstanceOf(SchemaRefused.class)
                .hasMessage("schema 4 has record Node inside itself, which no Iceberg column can hold");
        assertThatThrownBy(() -> EventSchema.columns(record("{\"name\": \"_file\", \"type\": \"int\"}"), "5"))
                .hasMessageStartingWith("schema 5 has a field named _file");
        assertThatThrownBy(() -> EventSchema.columns(record("{\"name\": \"prism\", \"type\": \"int\"}"), "6"))
                .hasMessageStartingWith("schema 6 has a field named prism");
    }

    private static Type type(Types.StructType columns, String name) {
        return columns.field(name).type();
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [" + fields + "]}");
    }

    private static ArchiveTable table(Schema schema, String schemaId) {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize("test", Map.of());
        return ArchiveTable.open(catalog, TableIdentifier.of(Namespace.of("ns"), "t" + UUID.randomUUID()
                .toString().replace("-", "")), schema, schemaId, java.util.Optional.empty());
    }

    private static GenericRecord allTypes() {
        GenericRecord inner = new GenericData.Record(INNER);
        inner.put("x", 3);
        inner.put("tags", List.of("a", "b"));
        GenericRecord event = new GenericData.Record(ALL);
        event.put("i", -7);
        event.put("l", 1L << 40);
        event.put("f", 1.5f);
        event.put("d", Double.NaN);
        event.put("b", true);
        event.put("s", "héllo");
        event.put("by", ByteBuffer.wrap(new byte[] {9}));
        event.put("fx", new GenericData.Fixed(ALL.getField("fx").schema(), new byte[] {1, 2, 3, 4}));
        event.put("e", new GenericData.EnumSymbol(ALL.getField("e").schema(), "GREEN"));
        event.put("dec", new Conversions.DecimalConversion().toBytes(new BigDecimal("-1234.56"),
                ALL.getField("dec").schema(), LogicalTypes.decimal(10, 2)));
        event.put("decfx", new Conversions.DecimalConversion().toFixed(new BigDecimal("12345678901234.5678"),
                ALL.getField("decfx").schema(), LogicalTypes.decimal(18, 4)));
        event.put("wide", ByteBuffer.wrap(new byte[] {1, 0, 0}));
        event.put("day", (int) LocalDate.of(2018, 1, 4).toEpochDay());
        event.put("tm", (12 * 3600 + 34 * 60 + 56) * 1000 + 789);
        event.put("tu", (12 * 3600 + 34 * 60 + 56) * 1_000_000L + 789_012);
        long noon = Instant.parse("2018-01-04T12:00:00Z").toEpochMilli();
        event.put("tsm", noon + 123);
        event.put("tsu", noon * 1000 + 123_456);
        event.put("lts", noon + 123);
        event.put("tsn", 1_515_067_200_123_456_789L);
        event.put("id", UUID.randomUUID().toString());
        event.put("opt", null);
        event.put("multi", "branch");
        event.put("list", List.of(inner, inner));
        event.put("map", Map.of("k", 5L));
        event.put("nested", inner);
        event.put("nothing", null);
        return event;
    }

    /** Writes rows of the events to one Parquet data file, appends it, reads the table back. */
    private static List<Record> writeAndRead(ArchiveTable archive, List<GenericRecord> events) throws IOException {
        Table table = archive.table();
        PartitionKey partition = new PartitionKey(table.spec(), table.schema());
        partition.set(0, (int) LocalDate.of(2018, 1, 4).toEpochDay());
        DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(table.locationProvider()
                .newDataLocation(table.spec(), partition, UUID.randomUUID() + ".parquet")))
                .forTable(table).withSpec(table.spec()).withPartition(partition)
                .createWriterFunc(GenericParquetWriter::create).build();
        long offset = 0;
        Header[] headers = {new RecordHeader("h", new byte[] {1}), new RecordHeader("h", new byte[] {1}),
            new RecordHeader("n", null)};
        for (GenericRecord event : events) {
            writer.write(archive.row(event, new ArchiveTable.Provenance("t", null, 0, offset++, 1L,
                    TimestampType.LOG_APPEND_TIME, new byte[0], headers, "7", LocalDate.of(2018, 1, 4),
                    "x".getBytes(StandardCharsets.UTF_8), "k", "e")));
        }
        writer.close();
        DataFile file = writer.toDataFile();
        table.newAppend().appendFile(file).commit();
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> all = IcebergGenerics.read(table).build()) {
            all.forEach(rows::add);
        }
        return rows;
    }
}
