package com.prism.lts.query;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.prism.lts.config.CompactionSettings;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.inspect.ArchiveBucket;
import com.prism.lts.inspect.S3Options;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code prism-lts ddl}: the Athena (AWS Glue) table over the days of a topic not compacted yet, where they lie
 * (docs/compaction.md, "Recent days").
 */
@Command(name = "ddl", mixinStandardHelpOptions = true, defaultValueProvider = SettingDefaults.class,
        sortOptions = false,
        description = {"Prints an Athena CREATE EXTERNAL TABLE over each topic's small Avro files, for the days not"
                + " compacted yet: Hive's Avro SerDe with a reader schema that reads every writer schema found in the"
                + " last days' files, partition projection on the year, month and day folders.",
            "Reads the header of the first and the last file of each partition of the last --days days. S3 options"
                    + " default to the archiver's settings."})
public final class DdlCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--topic"}, descriptionKey = "prism.topics", split = ",",
            description = "Archived topic(s) (default: ${DEFAULT-VALUE}).")
    List<String> topics;

    @Option(names = "--database", descriptionKey = "prism.compact.namespace",
            description = "The Glue database of the table (default: ${DEFAULT-VALUE}).")
    String database;

    @Option(names = "--table", descriptionKey = "prism.compact.table",
            description = "The compacted table's name, {topic} the topic; the table printed is named after it, with"
                    + " _recent (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--days", defaultValue = "3",
            description = "How many of the last days with files to read writer schemas from (default:"
                    + " ${DEFAULT-VALUE}).")
    int days;

    @Mixin
    S3Options s3;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (S3Client client = s3.client()) {
            ArchiveBucket bucket = s3.bucket(client, s3.bucket());
            for (String topic : topics) {
                String folder = s3.folder() + topic + "/";
                RecentSchemas.Found found = RecentSchemas.of(bucket, folder, topic, Math.max(1, days));
                String name = CompactionSettings.table(table, topic) + "_recent";
                out.print(AthenaTable.ddl(database, name, "s3://" + bucket.name() + "/" + folder,
                        AthenaTable.readerSchema(found.reader()), found.byId().keySet(), found.firstYear()));
                out.printf(Locale.ROOT, "-- for instance: SELECT * FROM `%s`.`%s` WHERE year = '%04d' AND month ="
                        + " '%02d' AND day = '%02d' LIMIT 10;%n%n", database, name, found.lastDay().getYear(),
                        found.lastDay().getMonthValue(), found.lastDay().getDayOfMonth());
            }
        }
        out.flush();
        return 0;
    }
}
