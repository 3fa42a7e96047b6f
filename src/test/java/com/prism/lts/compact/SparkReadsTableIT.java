package com.prism.lts.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Spark (local mode, Iceberg's Spark runtime) reads the compacted table with {@code select *}: one row per
 * record produced, keys, values and headers as produced. Spark's jars are about 430 MB, so this runs only with
 * {@code mvn -Pspark verify -Dit.test=SparkReadsTableIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}; Spark
 * is driven through reflection so that the default build compiles without it.
 */
class SparkReadsTableIT {

    static final String TOPIC = "spark-events";

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void spark_reads_one_row_per_record_produced_with_its_key_value_and_headers() throws Exception {
        VariedEvents.publishSchemas(TESTBED.schemas());
        TESTBED.kafka().createTopic(TOPIC, 3);
        CompactionBed bed = new CompactionBed(TESTBED, TOPIC);
        LocalDate[] days = {CompactionBed.FIRST_DAY, CompactionBed.FIRST_DAY.plusDays(1),
            CompactionBed.FIRST_DAY.plusDays(2)};
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            VariedEvents.send(producer, TOPIC, 0, 300, days, 150);
        }
        try (RunningArchive archive = RunningArchive.start(bed.settings())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> TESTBED.kafka().committed(
                    bed.settings().get("prism.kafka.group-id"), TOPIC).values().stream().mapToLong(Long::longValue)
                    .sum() == 300);
        }
        assertThat(bed.compact().days()).hasSize(3).allMatch(day -> day.kind() == DayOutcome.Kind.COMPACTED);
        Map<String, ConsumerRecord<byte[], byte[]>> sent = TESTBED.kafka().readAll(TOPIC).stream()
                .collect(Collectors.toMap(r -> r.partition() + "/" + r.offset(), r -> r));

        Object spark = spark(bed);
        try {
            String table = "prism.prism_lts." + bed.archiveSettings().compaction().table(TOPIC);
            List<?> all = sql(spark, "SELECT * FROM " + table);
            List<?> rows = sql(spark, "SELECT prism.partition, prism.offset, prism.key, prism.value,"
                    + " size(prism.headers), event_id, region FROM " + table);

            assertThat(all).hasSize(300);
            Map<String, List<Object>> read = new HashMap<>();
            for (Object row : rows) {
                List<Object> columns = columns(row, 7);
                assertThat(read.put(columns.get(0) + "/" + columns.get(1), columns)).isNull();
            }
            assertThat(read.keySet()).isEqualTo(sent.keySet());
            read.forEach((place, columns) -> {
                ConsumerRecord<byte[], byte[]> original = sent.get(place);
                assertThat((byte[]) columns.get(2)).as(place).isEqualTo(original.key());
                assertThat((byte[]) columns.get(3)).as(place)
                        .isEqualTo(Arrays.copyOfRange(original.value(), 5, original.value().length));
                assertThat(columns.get(4)).as(place).isEqualTo(original.headers().toArray().length);
                assertThat(ByteBuffer.wrap(original.value(), 1, 4).getInt() == VariedEvents.SCHEMA_V2_ID
                        || columns.get(6) == null).as(place).isTrue();
            });
        } finally {
            spark.getClass().getMethod("stop").invoke(spark);
        }
    }

    private static Object spark(CompactionBed bed) throws Exception {
        Object builder = Class.forName("org.apache.spark.sql.SparkSession").getMethod("builder").invoke(null);
        Method config = builder.getClass().getMethod("config", String.class, String.class);
        config.invoke(builder, "spark.master", "local[1]");
        config.invoke(builder, "spark.ui.enabled", "false");
        config.invoke(builder, "spark.sql.shuffle.partitions", "1");
        config.invoke(builder, "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
        config.invoke(builder, "spark.sql.catalog.prism", "org.apache.iceberg.spark.SparkCatalog");
        for (Map.Entry<String, String> property : Catalogs.properties(bed.archiveSettings()).entrySet()) {
            config.invoke(builder, "spark.sql.catalog.prism." + property.getKey(), property.getValue());
        }
        return builder.getClass().getMethod("getOrCreate").invoke(builder);
    }

    private static List<?> sql(Object spark, String query) throws Exception {
        Object frame = spark.getClass().getMethod("sql", String.class).invoke(spark, query);
        return (List<?>) frame.getClass().getMethod("collectAsList").invoke(frame);
    }

    private static List<Object> columns(Object row, int count) throws Exception {
        Method get = Class.forName("org.apache.spark.sql.Row").getMethod("get", int.class);
        Object[] columns = new Object[count];
        for (int i = 0; i < count; i++) {
            columns[i] = get.invoke(row, i);
        }
        return Arrays.asList(columns);
    }
}
