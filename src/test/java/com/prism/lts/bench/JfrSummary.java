package com.prism.lts.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM spent its CPU, from the execution samples of a Java Flight Recorder file: by thread, by the method on
 * top of the stack, and by the project's and Camel's methods anywhere on the stack (what a step costs with all it
 * calls). Also runs on its own: {@code JfrSummary <file.jfr> [lines]}.
 */
public final class JfrSummary {

    private static final List<String> INCLUSIVE = List.of("com.prism.", "org.apache.camel.", "org.apache.avro.",
            "software.amazon.", "org.apache.kafka.");

    private JfrSummary() {
    }

    public static void main(String[] args) {
        System.out.print(summarize(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 30));
    }

    static String summarize(Path recording, int lines) {
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                samples++;
                String thread = event.getThread("sampledThread") == null ? "?"
                        : event.getThread("sampledThread").getJavaName();
                threads.merge(thread == null ? "?" : thread.replaceAll("\\d+", "#"), 1, Integer::sum);
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                if (!frames.isEmpty()) {
                    self.merge(name(frames.get(0).getMethod()), 1, Integer::sum);
                }
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String method = name(frame.getMethod());
                    if (INCLUSIVE.stream().anyMatch(method::startsWith) && seen.add(method)) {
                        inclusive.merge(method, 1, Integer::sum);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder summary = new StringBuilder(String.format("%nProfile %s: %,d execution samples%n", recording,
                samples));
        append(summary, "by thread", threads, samples, lines);
        append(summary, "by method on top of the stack (self)", self, samples, lines);
        append(summary, "by method anywhere on the stack (inclusive; project, Camel, Avro, AWS, Kafka)", inclusive,
                samples, lines);
        return summary.toString();
    }

    private static String name(RecordedMethod method) {
        return method.getType().getName() + "." + method.getName();
    }

    private static void append(StringBuilder summary, String title, Map<String, Integer> counts, int samples,
            int lines) {
        summary.append("  ").append(title).append(":\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(lines)
                .forEach(e -> summary.append(String.format("    %5.1f%%  %s%n", 100.0 * e.getValue() / samples,
                        e.getKey())));
    }
}
