package com.prism.lts.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.prism.lts.PrismLts;

/**
 * The archiver in a JVM of its own, started the way the container starts it ({@code prism-lts run}), so that a test
 * can kill it without warning, or stop it with SIGTERM.
 */
public final class ArchiveProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ArchiveProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ArchiveProcess start(Map<String, String> settings, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(PrismLts.class.getName());
        command.add("run");
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            return new ArchiveProcess(process, log);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the archiver", e);
        }
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: nothing is flushed, nothing more is committed. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM, as Kubernetes stops a pod; returns the exit code. */
    public int terminate() {
        process.destroy();
        return awaitExit();
    }

    /** Waits for the archiver to exit on its own; returns the exit code. */
    public int awaitExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the archiver did not exit; its log:\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
