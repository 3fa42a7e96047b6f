package com.prism.lts.sandbox;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.prism.lts.config.EnvironmentVariables;

/**
 * The environment variables that point the tools ({@code send}, {@code ls}, {@code cat}, {@code audit},
 * {@code restore}) at the sandbox, named after the archiver's settings as the archiver reads them: a user pastes the
 * {@code export} lines the sandbox prints, and the tools need no options.
 */
final class ToolEnvironment {

    private ToolEnvironment() {
    }

    /** @param s3 the settings that point at the S3 server ({@code prism.s3.*}) and the catalog, if any */
    static Map<String, String> variables(String bootstrapServers, Map<String, String> s3, Path schemas, String topic) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("prism.kafka.bootstrap-servers", bootstrapServers);
        settings.putAll(new TreeMap<>(s3));
        settings.put("prism.schema-directory", schemas.toAbsolutePath().toString());
        settings.put("prism.topics", topic);
        Map<String, String> variables = new LinkedHashMap<>();
        settings.forEach((setting, value) -> variables.put(EnvironmentVariables.name(setting), value));
        return variables;
    }

    /** One {@code export NAME=value} line each, the value quoted for a POSIX shell where it needs to be. */
    static List<String> exports(Map<String, String> variables) {
        return variables.entrySet().stream().map(v -> "export " + v.getKey() + "=" + quoted(v.getValue())).toList();
    }

    private static String quoted(String value) {
        return value.matches("[A-Za-z0-9_./:@%+,=-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
