package com.prism.lts.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the benchmark ran on: absolute numbers mean little without it. */
final class Machine {

    private Machine() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", firstValue("/proc/cpuinfo", "model name"));
        machine.put("memory", firstValue("/proc/meminfo", "MemTotal"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("loadAverageAtStart", read("/proc/loadavg").split(" ", 4)[0]);
        return machine;
    }

    private static String firstValue(String file, String name) {
        return read(file).lines().filter(line -> line.startsWith(name)).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown");
    }

    private static String read(String file) {
        try {
            return String.join("\n", Files.readAllLines(Path.of(file)));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
