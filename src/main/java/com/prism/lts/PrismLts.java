package com.prism.lts;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import com.prism.lts.app.ArchiveApplication;
import com.prism.lts.audit.AuditCommand;
import com.prism.lts.compact.CompactCommand;
import com.prism.lts.config.InvalidSettingsException;
import com.prism.lts.demo.SendCommand;
import com.prism.lts.inspect.CatCommand;
import com.prism.lts.inspect.LsCommand;
import com.prism.lts.observe.LogFormat;
import com.prism.lts.restore.RestoreCommand;
import org.apache.camel.main.Main;
import org.apache.camel.util.ObjectHelper;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line of Prism LTS: one jar, one entry, a subcommand per job. */
@Command(name = "prism-lts", mixinStandardHelpOptions = true,
        description = "Archives Avro events from Kafka into S3, one folder per metric_date.",
        subcommands = {PrismLts.Run.class, SendCommand.class, LsCommand.class, CatCommand.class,
            AuditCommand.class, RestoreCommand.class, CompactCommand.class})
public final class PrismLts implements Runnable {

    public static void main(String[] args) {
        LogFormat.choose();
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a failure prints one line and exits non-zero. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new PrismLts());
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
            description = "Run the archiver until it is stopped (SIGTERM or Ctrl-C stops it gracefully).")
    static final class Run implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Main main = ArchiveApplication.create(Map.of());
            main.run();
            return main.getExitCode();
        }
    }
}
