package com.prism.lts.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The Athena table over the recent days: its text, for every Avro type an event may have. */
class AthenaTableTest {

    static final Schema EVERY_TYPE = new Schema.Parser().parse("""
            {"type": "record", "name": "Event", "namespace": "com.example", "fields": [
              {"name": "id", "type": "string", "doc": "the event's 'id'"},
              {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
              {"name": "count", "type": "int"},
              {"name": "total", "type": "long"},
              {"name": "ratio", "type": "float"},
              {"name": "score", "type": "double"},
              {"name": "flag", "type": "boolean"},
              {"name": "raw", "type": "bytes"},
              {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 16}},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
              {"name": "metric_date", "type": {"type": "int", "logicalType": "date"}},
              {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item", "fields": [
                {"name": "sku", "type": "string"}, {"name": "quantity", "type": "int"}]}}},
              {"name": "properties", "type": {"type": "map", "values": "long"}},
              {"name": "region", "type": ["null", "string"], "default": null},
              {"name": "either", "type": ["int", "string"]}
            ]}""");

    @Test
    void a_table_over_the_day_folders_reads_every_avro_type_as_athena_types_and_leaves_out_unions() {
        String ddl = AthenaTable.ddl("prism_lts", "events_recent", "s3://bucket/topics/events/",
                AthenaTable.readerSchema(EVERY_TYPE), Set.of("7"), 2018);

        assertThat(ddl).isEqualTo("""
                -- The days of s3://bucket/topics/events/ not compacted yet, read from the small files where they lie
                -- (Avro; writer schemas 7; docs/compaction.md). Filter on year, month and day.
                -- Left out: either, a union of [int, string], which Athena has no type for.
                CREATE EXTERNAL TABLE IF NOT EXISTS `prism_lts`.`events_recent` (
                  `id` string,
                  `kind` string,
                  `count` int,
                  `total` bigint,
                  `ratio` float,
                  `score` double,
                  `flag` boolean,
                  `raw` binary,
                  `hash` binary,
                  `amount` decimal(12,2),
                  `metric_date` date,
                  `occurred_at` timestamp,
                  `items` array<struct<sku:string,quantity:int>>,
                  `properties` map<string,bigint>,
                  `region` string
                )
                PARTITIONED BY (`year` string, `month` string, `day` string)
                ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.avro.AvroSerDe'
                WITH SERDEPROPERTIES ('avro.schema.literal' = '%s')
                STORED AS AVRO
                LOCATION 's3://bucket/topics/events/'
                TBLPROPERTIES (
                  'projection.enabled' = 'true',
                  'projection.year.type' = 'integer', 'projection.year.range' = '2018,2099', 'projection.year.digits' = '4',
                  'projection.month.type' = 'integer', 'projection.month.range' = '1,12', 'projection.month.digits' = '2',
                  'projection.day.type' = 'integer', 'projection.day.range' = '1,31', 'projection.day.digits' = '2',
                  'storage.location.template' = 's3://bucket/topics/events/year=${year}/month=${month}/day=${day}/'
                );
                """.formatted(AthenaTable.readerSchema(EVERY_TYPE).schema().toString().replace("'", "\\'")));
    }

    @Test
    void the_reader_schema_is_the_writer_schema_without_the_fields_left_out() {
        Schema reader = AthenaTable.readerSchema(EVERY_TYPE).schema();

        assertThat(reader.getFields()).extracting(Schema.Field::name).hasSize(15).doesNotContain("either");
        assertThat(reader.getField("region").defaultVal()).isSameAs(org.apache.avro.JsonProperties.NULL_VALUE);
        assertThat(reader.getFullName()).isEqualTo("com.example.Event");
        assertThat(reader.toString()).contains("the event's 'id'");
    }

    @Test
    void an_event_field_named_like_a_day_folder_leaves_that_name_to_the_event() {
        Schema withDay = new Schema.Parser().parse("""
                {"type": "record", "name": "E", "fields": [{"name": "day", "type": "string"}]}""");

        String ddl = AthenaTable.ddl("db", "t", "s3://b/t/", AthenaTable.readerSchema(withDay), Set.of("1"), 2020);

        assertThat(ddl).contains("  `day` string\n)\nPARTITIONED BY (`year` string, `month` string, `prism_day` string)")
                .contains("'projection.prism_day.type' = 'integer'")
                .contains("'s3://b/t/year=${year}/month=${month}/day=${prism_day}/'");
    }
}
