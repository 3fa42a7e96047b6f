package com.prism.lts.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.prism.lts.PrismLts;

/** The archiver in a JVM of its own, started the way the container starts it ({@code prism-lts run}). */
public final class ArchiveProcess extends JavaProcess {

    private ArchiveProcess(Process process, Path log) {
        super(process, log);
    }

    public static ArchiveProcess start(Map<String, String> settings, Path log) {
        return start(List.of("-Xmx256m"), settings, log);
    }

    /** Starts the archiver with these JVM options (heap, GC log, recording) and settings. */
    public static ArchiveProcess start(List<String> jvmOptions, Map<String, String> settings, Path log) {
        return start(jvmOptions, settings, Map.of(), log);
    }

    /** Starts the archiver with settings as system properties and {@code environment} as environment variables. */
    public static ArchiveProcess start(List<String> jvmOptions, Map<String, String> settings,
            Map<String, String> environment, Path log) {
        return new ArchiveProcess(launch(jvmOptions, settings, environment, PrismLts.class.getName(), List.of("run"),
                log), log);
    }
}
