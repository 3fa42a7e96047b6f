package com.prism.lts.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The project's Dockerfile and .dockerignore, read the way Docker reads them, as far as our files need: stages,
 * instructions with continued lines, working directories, exec-form commands, and which files reach the build.
 */
final class Dockerfile {

    static final Path PROJECT = Path.of("").toAbsolutePath();

    private final List<Stage> stages;
    private final List<String> ignorePatterns;

    private Dockerfile(List<Stage> stages, List<String> ignorePatterns) {
        this.stages = stages;
        this.ignorePatterns = ignorePatterns;
    }

    static Dockerfile read() {
        try {
            Path ignore = PROJECT.resolve(".dockerignore");
            List<String> patterns = Files.exists(ignore) ? instructionLines(Files.readAllLines(ignore)) : List.of();
            return new Dockerfile(stages(instructionLines(Files.readAllLines(PROJECT.resolve("Dockerfile")))),
                    patterns);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stage the image is made of. */
    Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    Stage stage(String name) {
        return stages.stream().filter(stage -> name.equals(stage.name())).findFirst()
                .orElseThrow(() -> new AssertionError("the Dockerfile has no stage named " + name));
    }

    /** Whether .dockerignore lets {@code path} (relative to the project) into the build context. */
    boolean inContext(Path path) {
        boolean excluded = false;
        for (String pattern : ignorePatterns) {
            boolean exclusion = !pattern.startsWith("!");
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(exclusion ? 0 : 1));
            for (Path candidate = path; candidate != null; candidate = candidate.getParent()) {
                if (matcher.matches(candidate)) {
                    excluded = exclusion;
                    break;
                }
            }
        }
        return !excluded;
    }

    record Instruction(String keyword, String arguments, String workdir) {

        /** The words that are not {@code --flags}. */
        List<String> operands() {
            return Arrays.stream(arguments.trim().split("\\s+")).filter(word -> !word.startsWith("--")).toList();
        }

        boolean hasFlag(String flag) {
            return Arrays.stream(arguments.trim().split("\\s+")).anyMatch(word -> word.startsWith(flag));
        }

        /** ENTRYPOINT and CMD in exec form, a JSON array. */
        List<String> execForm() {
            try {
                return new ObjectMapper().readValue(arguments, new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new AssertionError(keyword + " is not in exec form (a JSON array): " + arguments, e);
            }
        }

        /** A path of this instruction as an absolute path in the image. */
        String resolve(String path) {
            return Path.of(workdir).resolve(path).normalize().toString();
        }
    }

    record Stage(String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
        }

        Instruction last(String keyword) {
            List<Instruction> found = all(keyword);
            if (found.isEmpty()) {
                throw new AssertionError("stage " + name + " has no " + keyword);
            }
            return found.get(found.size() - 1);
        }

        String workdir() {
            return last("WORKDIR").workdir();
        }
    }

    /** Lines without comments or blanks, with continued lines joined. */
    private static List<String> instructionLines(List<String> lines) {
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                joined.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        return joined;
    }

    private static List<Stage> stages(List<String> lines) {
        List<Stage> stages = new ArrayList<>();
        List<Instruction> instructions = null;
        String workdir = "/";
        for (String line : lines) {
            String[] parts = line.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String arguments = parts.length > 1 ? parts[1] : "";
            if (keyword.equals("FROM")) {
                String[] words = arguments.split("\\s+");
                String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
                instructions = new ArrayList<>();
                stages.add(new Stage(name, instructions));
                workdir = "/";
            } else if (instructions == null) {
                continue;
            }
            if (keyword.equals("WORKDIR")) {
                workdir = Path.of(workdir).resolve(arguments).normalize().toString();
            }
            instructions.add(new Instruction(keyword, arguments, workdir));
        }
        return stages;
    }
}
