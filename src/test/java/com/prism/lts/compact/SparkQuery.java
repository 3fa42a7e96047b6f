package com.prism.lts.compact;

import java.lang.reflect.Method;
import java.util.List;

/**
 * Apache Spark in local mode, in a JVM of its own, running each argument as a query against the catalog its
 * {@code spark.*} system properties configure, and printing each row's first column on a line after the query's
 * number. Spark is driven through reflection, so that the default build compiles without its jars; the JVM runs on a
 * class path without Prism's own Iceberg and Parquet jars, whose classes Iceberg's Spark runtime carries shaded
 * differently.
 */
public final class SparkQuery {

    private SparkQuery() {
    }

    public static void main(String[] args) throws Exception {
        Object builder = Class.forName("org.apache.spark.sql.SparkSession").getMethod("builder").invoke(null);
        Object spark = builder.getClass().getMethod("getOrCreate").invoke(builder);
        Method get = Class.forName("org.apache.spark.sql.Row").getMethod("get", int.class);
        try {
            for (int i = 0; i < args.length; i++) {
                Object frame = spark.getClass().getMethod("sql", String.class).invoke(spark, args[i]);
                List<?> rows = (List<?>) frame.getClass().getMethod("collectAsList").invoke(frame);
                System.out.println("QUERY " + i);
                for (Object row : rows) {
                    System.out.println("ROW " + get.invoke(row, 0));
                }
            }
        } finally {
            spark.getClass().getMethod("stop").invoke(spark);
        }
    }
}
