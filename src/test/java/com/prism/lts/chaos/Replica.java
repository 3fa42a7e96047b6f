package com.prism.lts.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.prism.lts.testing.ArchiveProcess;

/**
 * One replica of the archiver, in a JVM of its own, as a pod of a StatefulSet: its name is its static group member
 * id, kept across restarts. It can be killed, stopped the way Kubernetes stops a pod, frozen and started again.
 */
final class Replica implements AutoCloseable {

    private static final Pattern ARCHIVED = Pattern.compile("Archived s3://");

    private final String name;
    private final Map<String, String> settings;
    private final Path logFolder;
    private ArchiveProcess process;
    private int starts;

    Replica(String name, Map<String, String> settings, Path logs) {
        this.name = name;
        this.settings = new HashMap<>(settings);
        this.settings.put("prism.kafka.group-instance-id", name);
        this.logFolder = logs;
    }

    String name() {
        return name;
    }

    Replica start() {
        process = ArchiveProcess.start(settings, logFolder.resolve(name + "-" + ++starts + ".log"));
        return this;
    }

    /** kill -9: nothing is flushed, nothing more is committed. */
    void kill() {
        process.kill();
    }

    /** SIGTERM, as Kubernetes stops a pod: open batches are written and committed. */
    void terminate() {
        int exit = process.terminate();
        if (exit != 0 && exit != 143) {
            throw new IllegalStateException(name + " exited with " + exit + " on SIGTERM; its log:\n" + process.log());
        }
    }

    void freeze() {
        process.freeze();
    }

    void thaw() {
        process.thaw();
    }

    /** Waits until this start of the replica has uploaded {@code files} files: it is doing its work. */
    void awaitArchived(int files, Duration timeout) {
        await().atMost(timeout).until(() -> ARCHIVED.matcher(process.log()).results().count() >= files);
    }

    /** Everything every start of this replica logged. */
    String logs() {
        StringBuilder logs = new StringBuilder();
        for (int start = 1; start <= starts; start++) {
            try {
                logs.append(Files.readString(logFolder.resolve(name + "-" + start + ".log")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return logs.toString();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
