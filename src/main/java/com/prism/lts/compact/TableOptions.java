package com.prism.lts.compact;

import java.util.Optional;

import com.prism.lts.config.CompactionSettings;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.inspect.S3Options;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where a tool finds the compacted tables (docs/compaction.md): the archiver's {@code prism.compact.*} settings, with
 * the catalog overridable by an option.
 */
public final class TableOptions {

    @Spec
    CommandSpec spec;

    @Option(names = "--catalog-type", descriptionKey = "prism.compact.catalog.type", paramLabel = "jdbc|rest|glue",
            description = "The catalog of the compacted tables (default: ${DEFAULT-VALUE}).")
    String catalogType;

    @Option(names = "--catalog-uri", descriptionKey = "prism.compact.catalog.uri", paramLabel = "URI",
            description = "Its JDBC URL or REST endpoint (default: ${DEFAULT-VALUE}).")
    String catalogUri;

    /** The tables, read through the S3 of {@code s3}'s options. */
    public CompactedTables open(S3Options s3) {
        SettingDefaults defaults = new SettingDefaults();
        CompactionSettings settings = CompactionSettings.from(setting -> option(setting)
                .map(OptionSpec::<String>getValue).or(() -> defaults.value(setting)).map(String::trim)
                .filter(value -> !value.isEmpty()), setting -> option(setting).map(OptionSpec::longestName)
                        .orElse(setting));
        S3Options.Access access = s3.access();
        return CompactedTables.open(settings, Catalogs.Storage.forReading(s3.bucket(), access.region(),
                access.endpoint(), access.pathStyle(), access.accessKey(), access.secretKey()));
    }

    private Optional<OptionSpec> option(String setting) {
        CommandSpec command = spec.commandLine() == null ? spec : spec.commandLine().getCommandSpec();
        return command.options().stream().filter(option -> setting.equals(option.descriptionKey())).findFirst();
    }
}
