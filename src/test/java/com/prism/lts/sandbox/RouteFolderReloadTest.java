package com.prism.lts.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.prism.lts.testing.LogCapture;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox reloads a route file when it is added, saved or deleted, and says so in one line. */
class RouteFolderReloadTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    @TempDir
    Path routes;

    @Test
    void adding_editing_and_deleting_a_route_file_changes_its_routes_only_one_line_each() throws Exception {
        Files.copy(Path.of("routes", "archive.yaml"), routes.resolve("archive.yaml"));
        Map<String, String> settings = TESTBED.settings("reloaded");
        settings.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        Path hello = routes.resolve("hello.yaml");
        Path shown = hello.toAbsolutePath().normalize();

        try (RunningArchive archive = RunningArchive.start(settings);
                LogCapture log = LogCapture.of(RouteFolderReload.class)) {
            CamelContext context = archive.context();
            Route archiveRoute = context.getRoute("archive");
            RouteFolderReload.watch(context, routes);

            Files.writeString(hello, timerRoute(1000));
            await().atMost(Duration.ofSeconds(30)).until(() -> context.getRoute("hello") != null
                    && context.getRouteController().getRouteStatus("hello").isStarted());
            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().size() == 1);

            Files.writeString(hello, timerRoute(2000));
            await().atMost(Duration.ofSeconds(30)).until(() -> context.getRoute("hello") != null
                    && context.getRoute("hello").getEndpoint().getEndpointUri().contains("period=2000"));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().size() == 2);

            Files.delete(hello);
            await().atMost(Duration.ofSeconds(30)).until(() -> context.getRoute("hello") == null);
            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().size() == 3);

            Files.writeString(hello, "- route: [not a route\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> log.lines().size() >= 4);

            assertThat(log.lines()).containsExactly(
                    "INFO Reloaded " + shown + ": routes [hello] started",
                    "INFO Reloaded " + shown + ": routes [hello] replaced",
                    "INFO Removed " + shown + ": stopped routes [hello]",
                    log.lines().get(3));
            assertThat(log.lines().get(3)).startsWith("WARN Could not reload " + shown + ": ")
                    .doesNotContain("[with a stack trace]");
            assertThat(context.getRoute("archive")).as("the archive route was never reloaded").isSameAs(archiveRoute);
        }
    }

    private static String timerRoute(int periodMs) {
        return """
                - route:
                    id: hello
                    from:
                      uri: "timer:hello?period=%d"
                      steps:
                        - log: "hello"
                """.formatted(periodMs);
    }
}
