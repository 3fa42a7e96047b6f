package com.prism.lts;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import com.prism.lts.app.ArchiveApplication;
import com.prism.lts.audit.AuditCommand;
import com.prism.lts.config.EnvironmentVariables;
import com.prism.lts.compact.CompactCommand;
import com.prism.lts.config.InvalidSettingsException;
import com.prism.lts.config.SettingDefaults;
import com.prism.lts.demo.SendCommand;
import com.prism.lts.inspect.CatCommand;
import com.prism.lts.inspect.LsCommand;
import com.prism.lts.observe.LogFormat;
import com.prism.lts.observe.StopReport;
import com.prism.lts.query.DdlCommand;
import com.prism.lts.restore.RestoreCommand;
import org.apache.camel.main.Main;
import org.apache.camel.util.ObjectHelper;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line of Prism LTS: one jar, one entry, a subcommand per job. */
@Command(name = "prism-lts", mixinStandardHelpOptions = true,
        description = "Archives Avro events from Kafka into S3, one folder per metric_date.",
        subcommands = {PrismLts.Run.class, SendCommand.class, LsCommand.class, CatCommand.class,
            AuditCommand.class, RestoreCommand.class, CompactCommand.class, DdlCommand.class})
public final class PrismLts implements Runnable {

    public static void main(String[] args) {
        LogFormat.choose();
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error handling: a wrong option is one sentence and exit code 2, a failure one line and
     * exit code 1; every command answers {@code --version}.
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = Version.install(OptionErrors.install(new CommandLine(new PrismLts())));
        commandLine.getSubcommands().get("run").getCommandSpec().usageMessage().footer(Run.settings());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            InvalidSettingsException invalid = ObjectHelper.getException(InvalidSettingsException.class, e);
            NoSuchFileException missing = ObjectHelper.getException(NoSuchFileException.class, e);
            if (invalid != null) {
                cmd.getErr().println("prism-lts: " + invalid.getMessage());
                return 2;
            }
            if (missing != null) {
                cmd.getErr().println("prism-lts: " + missing.getFile() + " does not exist in " + Path.of("")
                        .toAbsolutePath() + " (routes are read from camel.main.routes-include-pattern)");
                return 2;
            }
            cmd.getErr().println("prism-lts: " + e.getMessage());
            return 1;
        });
        return commandLine;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run the archiver until it is stopped (SIGTERM or Ctrl-C stops it gracefully).",
                "It takes no options: its settings are read from environment variables, system properties"
                        + " (-Dprism.flush.size=100), config/application.properties in the working directory and the"
                        + " built-in application.properties, in that order. Each setting and what it does:"
                        + " docs/configuration.md; the camel.* settings are there too."})
    static final class Run implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            StopReport.hearSignals();
            Main main = ArchiveApplication.create(Map.of());
            main.run();
            return main.getExitCode();
        }

        /** The prism.* settings with their built-in defaults, as application.properties writes them. */
        static String[] settings() {
            Properties builtIn = SettingDefaults.builtIn();
            List<String> lines = new ArrayList<>();
            lines.add("%nSettings, with their built-in defaults. Each one's environment variable is its");
            lines.add("name in upper case, each . and - an _: " + EnvironmentVariables.name("prism.flush.size")
                    + " is prism.flush.size.");
            builtIn.stringPropertyNames().stream().filter(name -> name.startsWith("prism.")).sorted()
                    .forEach(name -> lines.add(("  " + name + "=" + builtIn.getProperty(name)).replace("%", "%%")));
            return lines.toArray(String[]::new);
        }
    }
}
