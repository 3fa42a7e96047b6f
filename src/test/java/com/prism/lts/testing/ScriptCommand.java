package com.prism.lts.testing;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import com.prism.lts.OptionErrors;
import com.prism.lts.Version;
import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.InvalidSettingsException;
import com.prism.lts.config.SettingDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * How the commands in the repository's root that run test code ({@code ./sandbox}, {@code ./benchmark}) read their
 * command line, so that the next one reads it the same way:
 * <ul>
 * <li>its options are picocli {@code @Option}s of a {@code @Command(name = "./name", mixinStandardHelpOptions =
 * true)}, so {@code --help} lists every one and exits 0;</li>
 * <li>an option with a {@code descriptionKey} defaults to the setting or system property of that name, read as
 * {@link SettingDefaults} reads it ({@code descriptionKey = "prism.flush.size"}, {@code "bench.records"}: then
 * {@code -Dbench.records=1000} works too);</li>
 * <li>a wrong option is reported in one line that names it, then where the options are listed, exit code 2, before
 * anything starts ({@link OptionErrors}):
 * throw {@link ParameterException}, or let {@link #checkSettings} turn the archiver's own checks into one;</li>
 * <li>any other failure is one line and exit code 1, without a stack trace.</li>
 * </ul>
 * {@code scripts/run-test-main} compiles the project and runs such a command's class on the test class path.
 */
public final class ScriptCommand {

    private ScriptCommand() {
    }

    /** The command line of {@code command}, ready to {@code execute}. */
    public static CommandLine commandLine(Object command) {
        CommandLine commandLine = Version.install(OptionErrors.install(new CommandLine(command)
                .setDefaultValueProvider(new SettingDefaults())));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
            return 1;
        });
        return commandLine;
    }

    /** Runs {@code command}; returns its exit code. */
    public static int execute(Object command, String... args) {
        return commandLine(command).execute(args);
    }

    /**
     * Checks the archiver's settings as the archiver will, before anything starts. A problem with a setting that an
     * option gave (its {@code descriptionKey}) is reported as a wrong option, under the option's name as typed.
     */
    public static void checkSettings(CommandSpec spec, Function<String, Optional<String>> settings) {
        try {
            ArchiveSettings.from(settings);
        } catch (InvalidSettingsException e) {
            List<String> problems = e.problems().stream().map(problem -> inOptionNames(spec, problem)).toList();
            throw new ParameterException(spec.commandLine(), String.join("\n", problems));
        }
    }

    private static String inOptionNames(CommandSpec spec, String problem) {
        String named = problem;
        for (OptionSpec option : spec.options()) {
            String setting = option.descriptionKey();
            if (setting != null && !setting.isEmpty()) {
                named = named.replaceAll("\\b" + setting.replace(".", "\\.") + "\\b", typed(spec, option));
            }
        }
        return named;
    }

    /** The name of {@code option} the user typed, or its longest name when the value is its default. */
    private static String typed(CommandSpec spec, OptionSpec option) {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        for (String name : option.names()) {
            if (args.stream().anyMatch(arg -> arg.equals(name) || arg.startsWith(name + "="))) {
                return name;
            }
        }
        return option.longestName();
    }
}
