package com.prism.lts.deploy;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** {@code kubectl kustomize} on the overlays of {@code kubernetes/}, offline. */
final class Kustomize {

    static final Path OVERLAYS = Dockerfile.PROJECT.resolve("kubernetes/overlays");

    private Kustomize() {
    }

    static List<String> overlays() {
        try (Stream<Path> folders = Files.list(OVERLAYS)) {
            return folders.filter(folder -> Files.exists(folder.resolve("kustomization.yaml")))
                    .map(folder -> folder.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resources an overlay renders to; skips the calling test where kubectl is not installed. */
    static List<JsonNode> render(String overlay) {
        Path errors = null;
        try {
            errors = Files.createTempFile("kustomize", ".err");
            Process kubectl;
            try {
                kubectl = new ProcessBuilder("kubectl", "kustomize", OVERLAYS.resolve(overlay).toString())
                        .redirectError(errors.toFile()).start();
            } catch (IOException e) {
                kubectl = abort("kubectl is not installed, so kubernetes/overlays/" + overlay
                        + " was not rendered and not checked: " + e.getMessage());
            }
            byte[] output = kubectl.getInputStream().readAllBytes();
            if (kubectl.waitFor() != 0) {
                throw new AssertionError("kubectl kustomize kubernetes/overlays/" + overlay + " failed: "
                        + Files.readString(errors));
            }
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            return yaml.readValues(yaml.createParser(new String(output, StandardCharsets.UTF_8)), JsonNode.class)
                    .readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (errors != null) {
                errors.toFile().delete();
            }
        }
    }
}
