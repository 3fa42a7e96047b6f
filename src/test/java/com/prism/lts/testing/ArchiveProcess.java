package com.prism.lts.testing;

import java.nio.file.Path;
import java.util.ArrayList;
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
        return new ArchiveProcess(launch(jvmOptions, TEST_CLASS_PATH, settings, environment, PrismLts.class.getName(),
                List.of("run"), log), log);
    }

    /** Starts the archiver from its packaged jar, with the class-data archive the image starts with. */
    public static ArchiveProcess startPackaged(PackagedApplication application, List<String> jvmOptions,
            Map<String, String> settings, Path log) {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add(application.classDataOption());
        return new ArchiveProcess(launch(options, application.jar().toString(), settings, Map.of(),
                PrismLts.class.getName(), List.of("run"), log), log);
    }
}
