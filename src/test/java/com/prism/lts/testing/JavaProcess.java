package com.prism.lts.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this project's test class path in a JVM of its own, its output in a log file: so that a test can
 * kill it without warning, stop it with SIGTERM, or measure it alone.
 */
public class JavaProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    protected static final String TEST_CLASS_PATH = System.getProperty("java.class.path");

    protected JavaProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Runs {@code java <jvmOptions> -cp <test class path> -D<properties> <mainClass> <args>}. */
    public static JavaProcess start(List<String> jvmOptions, Map<String, String> properties, String mainClass,
            List<String> args, Path log) {
        return new JavaProcess(launch(jvmOptions, TEST_CLASS_PATH, properties, Map.of(), mainClass, args, log), log);
    }

    /** As {@link #start}, with {@code environment} added to this process's environment variables. */
    public static JavaProcess startWithEnvironment(Map<String, String> environment, String mainClass,
            List<String> args, Path log) {
        return new JavaProcess(launch(List.of(), TEST_CLASS_PATH, Map.of(), environment, mainClass, args, log), log);
    }

    /**
     * As {@link #start}, from {@code classPath}, with {@code environment} added to this process's environment
     * variables.
     */
    protected static Process launch(List<String> jvmOptions, String classPath, Map<String, String> properties,
            Map<String, String> environment, String mainClass, List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + mainClass, e);
        }
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
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

    /** SIGSTOP: the process stops in its tracks, keeping everything in memory, as a paused VM or a long GC would. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT: a frozen process carries on where it stopped, unaware of the time that passed. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the process to exit on its own; returns the exit code. */
    public int awaitExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the process did not exit; its log:\n" + log());
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
