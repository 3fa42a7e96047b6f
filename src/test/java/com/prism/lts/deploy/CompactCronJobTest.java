package com.prism.lts.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compactor's CronJob in every overlay: {@code prism-lts compact} from the archiver's image with the archiver's
 * settings, never two runs at once, and each worker of the indexed Job told its number and how many there are.
 */
class CompactCronJobTest {

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void the_compactor_runs_the_archivers_image_and_settings_once_at_a_time(String overlay) {
        List<JsonNode> resources = Kustomize.render(overlay);
        JsonNode cronJob = one(resources, "CronJob");
        JsonNode pod = cronJob.at("/spec/jobTemplate/spec/template/spec");
        JsonNode archiver = one(resources, "StatefulSet").at("/spec/template/spec");

        assertThat(cronJob.at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
        assertThat(pod.at("/containers/0/args").toString()).isEqualTo("[\"compact\"]");
        assertThat(pod.at("/containers/0/image").asText()).isEqualTo(archiver.at("/containers/0/image").asText());
        assertThat(configMap(pod)).isEqualTo(configMap(archiver));
        assertThat(pod.at("/serviceAccountName").asText()).isEqualTo(archiver.at("/serviceAccountName").asText());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void each_worker_of_the_indexed_job_knows_its_number_and_how_many_share_the_days(String overlay) {
        JsonNode job = one(Kustomize.render(overlay), "CronJob").at("/spec/jobTemplate/spec");
        JsonNode env = job.at("/template/spec/containers/0/env");

        assertThat(job.at("/completionMode").asText()).isEqualTo("Indexed");
        assertThat(job.at("/parallelism").asInt()).isEqualTo(job.at("/completions").asInt());
        assertThat(variable(env, "PRISM_COMPACT_WORKERS").at("/value").asInt())
                .isEqualTo(job.at("/completions").asInt());
        assertThat(variable(env, "PRISM_COMPACT_WORKER").at("/valueFrom/fieldRef/fieldPath").asText())
                .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }

    private static JsonNode one(List<JsonNode> resources, String kind) {
        List<JsonNode> found = resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
        assertThat(found).as("resources of kind " + kind).hasSize(1);
        return found.get(0);
    }

    private static String configMap(JsonNode pod) {
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.path("name").asText().equals("config")) {
                return volume.at("/configMap/name").asText();
            }
        }
        throw new AssertionError("no config volume in " + pod);
    }

    private static JsonNode variable(JsonNode env, String name) {
        for (JsonNode variable : env) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no variable " + name + " in " + env);
    }
}
