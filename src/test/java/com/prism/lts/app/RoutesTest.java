package com.prism.lts.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RoutesTest {

    private static final Pattern JAVA_EXAMPLE = Pattern.compile("## Routes.*?```java\\n(.*?)```", Pattern.DOTALL);

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    @TempDir
    Path routes;

    @Test
    void the_documented_java_dsl_route_runs_from_the_routes_folder_beside_the_yaml_route_without_a_rebuild()
            throws IOException {
        Matcher example = JAVA_EXAMPLE.matcher(Files.readString(Path.of("docs", "configuration.md")));
        assertThat(example.find()).as("docs/configuration.md shows a Java DSL route under Routes").isTrue();
        Files.copy(Path.of("routes", "archive.yaml"), routes.resolve("archive.yaml"));
        Files.writeString(routes.resolve("ArchivedCount.java"), example.group(1));
        Map<String, String> settings = TESTBED.settings("java-route");
        settings.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml,file:" + routes + "/*.java");
        // JMX (off as shipped) counts the exchanges each route completed
        settings.put("camel.main.jmx-enabled", "true");

        try (RunningArchive archive = RunningArchive.start(settings)) {
            assertThat(archive.context().getRoute("archive")).isNotNull();
            ManagedCamelContext managed = archive.context().getCamelContextExtension()
                    .getContextPlugin(ManagedCamelContext.class);
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> managed.getManagedRoute("archived-count").getExchangesCompleted() >= 1);
        }
    }
}
