package com.prism.lts.inspect;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import com.prism.lts.config.SettingDefaults;
import com.prism.lts.write.ArchiveKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code prism-lts ls}: what the archive holds, per topic and day. */
@Command(name = "ls", mixinStandardHelpOptions = true, defaultValueProvider = SettingDefaults.class,
        sortOptions = false,
        description = {"Lists the archive per topic and day: files, records and bytes, from the S3 listing and each"
                + " file's object metadata.",
            "S3 options default to the archiver's settings (application.properties, config/application.properties,"
                    + " PRISM_* environment variables)."})
public final class LsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--topic"}, description = "Only this topic.")
    String topic;

    @Option(names = "--day", paramLabel = "yyyy-MM-dd", description = "Only this day.")
    LocalDate day;

    @Option(names = {"-l", "--files"}, description = "List every file, with its records and bytes, instead.")
    boolean files;

    @Mixin
    S3Options s3;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String folder = topic == null ? s3.folder()
                : day == null ? s3.folder() + topic + "/" : ArchiveKey.dayFolder(s3.prefix(), topic, day);
        Predicate<ArchiveKey> wanted = key -> (topic == null || key.topic().equals(topic))
                && (day == null || key.day().equals(day));
        try (S3Client client = s3.client()) {
            ArchiveBucket bucket = s3.bucket(client, s3.bucket());
            Listing listing = bucket.list(folder, wanted);
            String where = "s3://" + bucket.name() + "/" + folder;
            if (listing.files().isEmpty() && listing.otherKeys().isEmpty()) {
                out.println("No archive files in " + where + (day != null && topic == null ? " on " + day : ""));
            } else {
                out.println(where + (day != null && topic == null ? " on " + day : "") + ":");
                (files ? ListingReport.files(listing) : ListingReport.days(listing)).forEach(out::println);
            }
        }
        out.flush();
        return 0;
    }
}
