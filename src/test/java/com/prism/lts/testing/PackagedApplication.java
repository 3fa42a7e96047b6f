package com.prism.lts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The application as the container image holds it: the jar that {@code mvn package} builds, started with the
 * class-data archive that {@code scripts/class-data-archive} writes for it, as the image's build does (Dockerfile).
 * An archive belongs to the jar at its path, size and time, so it is written anew for each use.
 */
public final class PackagedApplication {

    private static final Path JAR = Path.of("target", "prism-lts.jar").toAbsolutePath();
    private static final Path WRITE_ARCHIVE = Path.of("scripts", "class-data-archive");

    private final Path archive;

    private PackagedApplication(Path archive) {
        this.archive = archive;
    }

    /** Writes the jar's class-data archive into {@code folder}; the jar must have been built. */
    public static PackagedApplication prepare(Path folder) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build it with mvn package (./benchmark does)");
        }
        Path archive = folder.resolve("prism-lts.jsa").toAbsolutePath();
        try {
            Files.createDirectories(folder);
            Files.deleteIfExists(archive);
            Process writing = new ProcessBuilder("sh", WRITE_ARCHIVE.toString(), JAR.toString(), archive.toString())
                    .redirectErrorStream(true).start();
            String output = new String(writing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!writing.waitFor(2, TimeUnit.MINUTES) || writing.exitValue() != 0) {
                throw new IllegalStateException(WRITE_ARCHIVE + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new PackagedApplication(archive);
    }

    public Path jar() {
        return JAR;
    }

    /** The JVM option of the image's ENTRYPOINT that maps the archive. */
    public String classDataOption() {
        return "-XX:SharedArchiveFile=" + archive;
    }
}
