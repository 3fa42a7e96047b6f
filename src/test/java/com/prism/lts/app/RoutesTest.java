package com.prism.lts.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RoutesTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    @TempDir
    Path routes;

    @Test
    void a_java_dsl_route_in_the_routes_folder_runs_beside_the_yaml_route_without_a_rebuild() throws IOException {
        Files.copy(Path.of("routes", "archive.yaml"), routes.resolve("archive.yaml"));
        Files.copy(Path.of("src", "test", "resources", "java-route", "ArchivedCount.java"),
                routes.resolve("ArchivedCount.java"));
        Map<String, String> settings = TESTBED.settings("java-route");
        settings.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml,file:" + routes + "/*.java");

        try (RunningArchive archive = RunningArchive.start(settings)) {
            assertThat(archive.context().getRoute("archive")).isNotNull();
            assertThat(archive.context().createProducerTemplate().requestBody("direct:archived-count", null,
                    Long.class)).isZero();
        }
    }
}
