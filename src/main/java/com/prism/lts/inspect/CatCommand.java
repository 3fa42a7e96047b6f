package com.prism.lts.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.prism.lts.ToolFailure;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.write.ArchiveKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code prism-lts cat}: the records of archive files, with their Kafka coordinates. */
@Command(name = "cat", mixinStandardHelpOptions = true, defaultValueProvider = SettingDefaults.class,
        sortOptions = false,
        description = {"Prints the records of archive files as JSON lines, each with the Kafka topic, partition,"
                + " offset and timestamp that the file's header records for it.",
            "S3 options default to the archiver's settings (application.properties, config/application.properties,"
                    + " PRISM_* environment variables)."})
public final class CatCommand implements Callable<Integer> {

    private static final Pattern S3_URL = Pattern.compile("s3://([^/]+)/(.+)");

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE",
            description = "An archive file: its key in the bucket, as `ls --files` lists it, or s3://bucket/key.")
    List<String> files = List.of();

    @Option(names = "--day", paramLabel = "yyyy-MM-dd",
            description = "Instead of FILEs: every file of this day of --topic, in partition and offset order.")
    LocalDate day;

    @Option(names = {"-t", "--topic"}, descriptionKey = "prism.topics",
            description = "The topic of --day (default: ${DEFAULT-VALUE}).")
    String topic;

    @Mixin
    S3Options s3;

    @Override
    public Integer call() throws IOException {
        if (files.isEmpty() == (day == null)) {
            throw new ParameterException(spec.commandLine(), "Give either FILEs or --day");
        }
        if (day != null && topic == null) {
            throw new ParameterException(spec.commandLine(), SettingDefaults.TOPIC_NEEDED);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (S3Client client = s3.client()) {
            if (day != null) {
                ArchiveBucket bucket = s3.bucket(client, s3.bucket());
                String folder = ArchiveKey.dayFolder(s3.prefix(), topic, day);
                List<ArchiveFileEntry> ofDay = bucket.list(folder, key -> true).files();
                if (ofDay.isEmpty()) {
                    throw new ToolFailure("no archive files in s3://" + bucket.name() + "/" + folder);
                }
                for (ArchiveFileEntry file : ofDay) {
                    print(bucket, file.s3Key(), out);
                }
            } else {
                for (String file : files) {
                    Matcher url = S3_URL.matcher(file);
                    boolean isUrl = url.matches();
                    print(s3.bucket(client, isUrl ? url.group(1) : s3.bucket()), isUrl ? url.group(2) : file, out);
                }
            }
        }
        out.flush();
        return 0;
    }

    private static void print(ArchiveBucket bucket, String key, PrintWriter out) throws IOException {
        try (InputStream in = bucket.open(key)) {
            RecordLines.write(in, "s3://" + bucket.name() + "/" + key, out);
        }
    }
}
