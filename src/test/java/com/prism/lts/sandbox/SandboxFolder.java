package com.prism.lts.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The folder the sandbox keeps its files in. Each run starts with a new, empty Kafka broker, so it also starts with an
 * empty archive; a marker file keeps it from emptying a folder that it did not make.
 */
final class SandboxFolder {

    private static final String MARKER = ".prism-sandbox";

    private final Path root;

    SandboxFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Empties the folder, or makes it. */
    SandboxFolder fresh() {
        try {
            if (Files.isDirectory(root)) {
                try (Stream<Path> entries = Files.list(root)) {
                    if (entries.findAny().isPresent() && !Files.exists(root.resolve(MARKER))) {
                        throw new IllegalStateException(root + " is not empty and was not made by the sandbox:"
                                + " choose another --dir");
                    }
                }
                try (Stream<Path> tree = Files.walk(root)) {
                    for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(root);
            Files.createFile(root.resolve(MARKER));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path root() {
        return root;
    }

    /** Where the Kafka broker keeps its data. */
    Path kafka() {
        return root.resolve("kafka");
    }

    /** Where the S3 server keeps objects, as {@code <bucket>/<key>}. */
    Path s3() {
        return root.resolve("s3");
    }

    /** Where the archiver finds writer schemas, as {@code <id>.avsc}. */
    Path schemas() {
        return root.resolve("schemas");
    }
}
