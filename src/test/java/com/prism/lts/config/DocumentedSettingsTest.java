package com.prism.lts.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The configuration table is what users read: it must list every setting with its real default. */
class DocumentedSettingsTest {

    private static final Pattern ROW = Pattern.compile(
            "^\\| `(prism\\.[^`]+)` \\| (?:`([^`]*)`|\\(([^)]*)\\)) \\| `([A-Z0-9_]+)` \\|.*$", Pattern.MULTILINE);

    @Test
    void every_setting_is_in_the_configuration_table_with_its_default_and_environment_variable() throws IOException {
        Properties defaults = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            defaults.load(in);
        }
        Map<String, String> documented = new HashMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("docs", "configuration.md")));
        while (row.find()) {
            String name = row.group(1);
            documented.put(name, row.group(2) != null ? row.group(2) : "");
            assertThat(row.group(4)).as("environment variable of " + name)
                    .isEqualTo(EnvironmentVariables.name(name));
        }

        defaults.stringPropertyNames().stream().filter(name -> name.startsWith("prism.")).forEach(name ->
                assertThat(documented).as("documented default of " + name).containsEntry(name, defaults.getProperty(name)));
        assertThat(documented.keySet()).allMatch(defaults::containsKey, "documented settings exist");
    }
}
