package com.prism.lts.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;

import com.prism.lts.PrismLts;
import picocli.CommandLine;

/** {@code prism-lts} run in this JVM through its real command line, and what it printed. */
public record ToolRun(int exitCode, String out, String err) {

    public static ToolRun of(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = PrismLts.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args.toArray(String[]::new));
        return new ToolRun(exitCode, out.toString(), err.toString());
    }

    public static ToolRun of(String... args) {
        return of(List.of(args));
    }

    public List<String> outLines() {
        return out.lines().toList();
    }

    /** A local port that nothing listens on, to play an unreachable server. */
    public static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
