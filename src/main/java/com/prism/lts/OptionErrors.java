package com.prism.lts;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How a command line answers a wrong option: one sentence that names the option and what is wrong with its value, in
 * words rather than Java's, then where the options are listed, and exit code 2. No usage: it buried the sentence under
 * dozens of lines.
 */
public final class OptionErrors {

    private static final Set<String> URL_SCHEMES = Set.of("http", "https");

    private OptionErrors() {
    }

    /** Installs the converters and the handler on {@code commandLine} and the subcommands it has now. */
    public static CommandLine install(CommandLine commandLine) {
        commandLine.registerConverter(LocalDate.class, OptionErrors::day);
        commandLine.registerConverter(URI.class, OptionErrors::url);
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine wrong = e.getCommandLine();
            PrintWriter err = wrong.getErr();
            String command = wrong.getCommandSpec().qualifiedName();
            err.println(command + ": " + e.getMessage());
            UnmatchedArgumentException.printSuggestions(e, err);
            err.println("See '" + command + " --help' for the options.");
            err.flush();
            return wrong.getCommandSpec().exitCodeOnInvalidInput();
        });
        return commandLine;
    }

    static LocalDate day(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + text + "' is not a day of the calendar written yyyy-MM-dd, such"
                    + " as 2018-01-04");
        }
    }

    static URI url(String text) {
        try {
            URI url = new URI(text);
            if (url.getScheme() != null && URL_SCHEMES.contains(url.getScheme().toLowerCase(Locale.ROOT))
                    && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // said below, in the same words
        }
        throw new TypeConversionException("'" + text + "' is not a URL: write it with its scheme and host, such as"
                + " http://" + (text.contains("://") ? "localhost:9000" : text));
    }
}
