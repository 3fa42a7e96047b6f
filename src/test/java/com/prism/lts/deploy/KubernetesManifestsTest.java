package com.prism.lts.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.prism.lts.app.ArchiveApplication;
import com.prism.lts.config.ArchiveSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every overlay of {@code kubernetes/overlays} with {@code kubectl kustomize} and holds the result against
 * what the application really does: the settings it reads (its own application.properties under the ConfigMap's,
 * Camel's defaults beneath), the routes of the repository, and the image's working directory and user.
 */
class KubernetesManifestsTest {

    private static final Dockerfile.Stage IMAGE = Dockerfile.read().runtime();
    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    @Test
    void there_is_a_local_a_production_and_a_production_without_keda_overlay() {
        assertThat(overlays()).contains("local", "production", "production-hpa");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void several_replicas_run_and_a_disruption_budget_keeps_them_running(String overlay) {
        Rendering rendering = new Rendering(overlay);
        int replicas = rendering.fewestReplicas();
        JsonNode budget = rendering.one("PodDisruptionBudget");

        assertThat(replicas).isGreaterThan(1);
        assertThat(budget.at("/spec/selector/matchLabels").properties()).isNotEmpty()
                .allSatisfy(label -> assertThat(rendering.workload().at("/spec/template/metadata/labels")
                        .path(label.getKey()).asText()).isEqualTo(label.getValue().asText()));
        assertThat(budget.at("/spec/maxUnavailable").asInt()).isBetween(1, replicas - 1);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void each_pod_is_a_static_member_of_the_consumer_group_named_after_itself(String overlay) {
        Rendering rendering = new Rendering(overlay);
        JsonNode memberId = rendering.environment("PRISM_KAFKA_GROUP_INSTANCE_ID");

        assertThat(memberId.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(ApplicationSettings.isKnown("prism.kafka.group-instance-id")).isTrue();
        assertThat(rendering.named("Service", rendering.workload().at("/spec/serviceName").asText())
                .at("/spec/clusterIP").asText()).as("a headless governing service").isEqualTo("None");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void probes_ask_the_management_server_on_the_port_and_paths_it_serves(String overlay) {
        Rendering rendering = new Rendering(overlay);
        ApplicationSettings settings = rendering.settings();
        JsonNode container = rendering.container();

        assertThat(settings.require("camel.management.enabled")).isEqualTo("true");
        assertThat(settings.require("camel.management.health-check-enabled")).isEqualTo("true");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(rendering.port(container.at("/" + probe + "/httpGet/port"))).as(probe)
                    .isEqualTo(settings.managementPort());
        }
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo(settings.healthPath("live"));
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo(settings.healthPath("live"));
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo(settings.healthPath("ready"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void prometheus_is_told_where_the_metrics_are(String overlay) {
        Rendering rendering = new Rendering(overlay);
        ApplicationSettings settings = rendering.settings();
        JsonNode annotations = rendering.workload().at("/spec/template/metadata/annotations");

        assertThat(settings.require("camel.management.metrics-enabled")).isEqualTo("true");
        assertThat(settings.require("camel.metrics.enabled")).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asInt()).isEqualTo(settings.managementPort());
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(settings.metricsPath());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void every_property_of_the_config_map_is_one_the_application_knows(String overlay) {
        assertThat(new Rendering(overlay).applicationProperties().stringPropertyNames())
                .isNotEmpty().allMatch(ApplicationSettings::isKnown, "is a setting of the application or of Camel");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void the_settings_of_the_config_map_pass_the_checks_the_application_makes_when_it_starts(String overlay) {
        ApplicationSettings settings = new Rendering(overlay).settings();

        assertThatCode(() -> ArchiveSettings.from(settings::get)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void the_routes_config_map_holds_the_routes_of_the_repository_where_the_application_loads_them(String overlay)
            throws IOException {
        Rendering rendering = new Rendering(overlay);
        List<Path> routes = rendering.settings().routeFiles(Dockerfile.PROJECT);
        JsonNode mounted = rendering.configMapMountedAt(IMAGE.workdir() + "/" + routes.get(0).getParent());

        Map<String, String> expected = new HashMap<>();
        for (Path route : routes) {
            expected.put(route.getFileName().toString(), Files.readString(Dockerfile.PROJECT.resolve(route)));
        }
        Map<String, String> actual = new HashMap<>();
        mounted.properties().forEach(entry -> actual.put(entry.getKey(), entry.getValue().asText()));
        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void the_grace_period_outlasts_the_shutdown_timeout(String overlay) {
        Rendering rendering = new Rendering(overlay);
        int shutdownTimeout = Integer.parseInt(rendering.settings().require("camel.main.shutdown-timeout"));

        assertThat(rendering.podSpec().at("/terminationGracePeriodSeconds").asInt()).isGreaterThan(shutdownTimeout);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void it_runs_as_the_images_user_on_a_read_only_root_filesystem_with_a_writable_tmp(String overlay) {
        Rendering rendering = new Rendering(overlay);
        JsonNode pod = rendering.podSpec().path("securityContext");
        JsonNode container = rendering.container();

        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asText()).isEqualTo(IMAGE.last("USER").arguments().split(":")[0]);
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(rendering.volumeMountedAt("/tmp").has("emptyDir")).as("/tmp is an emptyDir").isTrue();
        for (String resource : List.of("/resources/requests/cpu", "/resources/requests/memory",
                "/resources/limits/cpu", "/resources/limits/memory")) {
            assertThat(container.at(resource).asText()).as(resource).isNotEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void aws_credentials_come_from_an_irsa_role_or_a_secret(String overlay) {
        Rendering rendering = new Rendering(overlay);
        String account = rendering.podSpec().path("serviceAccountName").asText();
        String role = rendering.named("ServiceAccount", account).at("/metadata/annotations")
                .path("eks.amazonaws.com/role-arn").asText();
        Map<String, String> secrets = rendering.environmentFromSecrets();

        if (role.isEmpty()) {
            assertThat(secrets).containsKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        } else {
            assertThat(role).matches("arn:aws:iam::\\d{12}:role/.+");
        }
    }

    @Test
    void in_production_keda_scales_on_the_lag_of_the_applications_consumer_group_up_to_the_partition_count() {
        Rendering rendering = new Rendering("production");
        ApplicationSettings settings = rendering.settings();
        JsonNode scaler = rendering.one("ScaledObject");
        assertThat(scaler.at("/spec/triggers")).hasSize(1);
        JsonNode trigger = scaler.at("/spec/triggers/0");
        JsonNode lag = trigger.path("metadata");

        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(lag.path("consumerGroup").asText()).isEqualTo(settings.require("prism.kafka.group-id"));
        assertThat(lag.path("topic").asText()).isEqualTo(settings.require("prism.topics"));
        assertThat(lag.path("bootstrapServers").asText()).isEqualTo(settings.require("prism.kafka.bootstrap-servers"));
        assertThat(lag.path("offsetResetPolicy").asText()).isEqualTo(routeParameter("autoOffsetReset"));
        assertThat(lag.path("allowIdleConsumers").asText("false")).as("bounded by the partition count")
                .isEqualTo("false");
        assertThat(Long.parseLong(lag.path("lagThreshold").asText())).isGreaterThanOrEqualTo(heldByAReplica(settings));
        assertThat(settings.require("prism.kafka.security.protocol")).isEqualTo("SASL_SSL");
        assertThat(settings.require("prism.kafka.sasl.mechanism")).isEqualTo("AWS_MSK_IAM");
        assertThat(lag.path("sasl").asText()).isEqualTo("oauthbearer");
        assertThat(lag.path("saslTokenProvider").asText()).isEqualTo("aws_msk_iam");
        assertThat(lag.path("tls").asText()).isEqualTo("enable");
        assertThat(lag.path("awsRegion").asText()).isNotEmpty();
        assertThat(rendering.named("TriggerAuthentication", trigger.at("/authenticationRef/name").asText())
                .at("/spec/podIdentity/provider").asText()).isEqualTo("aws");
        assertScalesTheWorkloadOnly(rendering, scaler.at("/spec/scaleTargetRef"),
                scaler.at("/spec/minReplicaCount").asInt(), scaler.at("/spec/maxReplicaCount").asInt());
        assertScalesDownOneStoppedReplicaAtATime(rendering, settings,
                scaler.at("/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown"));
    }

    @Test
    void without_keda_a_horizontal_pod_autoscaler_scales_on_the_same_lag() {
        Rendering rendering = new Rendering("production-hpa");
        ApplicationSettings settings = rendering.settings();
        JsonNode autoscaler = rendering.one("HorizontalPodAutoscaler");
        assertThat(autoscaler.at("/spec/metrics")).hasSize(1);
        JsonNode lag = autoscaler.at("/spec/metrics/0/external");

        assertThat(autoscaler.at("/spec/metrics/0/type").asText()).isEqualTo("External");
        assertThat(lag.at("/metric/name").asText()).isEqualTo("kafka_consumergroup_lag_sum");
        assertThat(lag.at("/metric/selector/matchLabels/consumergroup").asText())
                .isEqualTo(settings.require("prism.kafka.group-id"));
        assertThat(lag.at("/metric/selector/matchLabels/topic").asText()).isEqualTo(settings.require("prism.topics"));
        assertThat(lag.at("/target/type").asText()).isEqualTo("AverageValue");
        assertThat(Long.parseLong(lag.at("/target/averageValue").asText()))
                .isGreaterThanOrEqualTo(heldByAReplica(settings));
        assertThat(rendering.resources).noneMatch(r -> r.path("apiVersion").asText().startsWith("keda.sh/"));
        assertScalesTheWorkloadOnly(rendering, autoscaler.at("/spec/scaleTargetRef"),
                autoscaler.at("/spec/minReplicas").asInt(), autoscaler.at("/spec/maxReplicas").asInt());
        assertScalesDownOneStoppedReplicaAtATime(rendering, settings, autoscaler.at("/spec/behavior/scaleDown"));
    }

    /**
     * The records a replica holds read but not committed on its normal path, which the lag counts: its open batches
     * (at most prism.flush.max-open-batches) and those waiting for S3 (prism.upload.max-waiting), each of at most
     * prism.flush.size records. A lag target below it would add replicas to a group that is keeping up.
     */
    private static long heldByAReplica(ApplicationSettings settings) {
        return (Long.parseLong(settings.require("prism.flush.max-open-batches"))
                + Long.parseLong(settings.require("prism.upload.max-waiting")))
                * Long.parseLong(settings.require("prism.flush.size"));
    }

    private static void assertScalesTheWorkloadOnly(Rendering rendering, JsonNode target, int min, int max) {
        assertThat(target.path("kind").asText()).isEqualTo(rendering.workload().path("kind").asText());
        assertThat(target.path("name").asText()).isEqualTo(rendering.workload().at("/metadata/name").asText());
        assertThat(rendering.workload().at("/spec").has("replicas")).as("the StatefulSet leaves its replica count"
                + " to the scaler, which an apply would otherwise set back").isFalse();
        assertThat(min).isGreaterThan(rendering.one("PodDisruptionBudget").at("/spec/maxUnavailable").asInt());
        assertThat(max).isGreaterThanOrEqualTo(min);
    }

    /**
     * One replica at a time, no sooner than the last one has stopped (its grace period) and its partitions have moved
     * (a static member's session timeout), and only after the lag has stayed low for longer than a batch may be held
     * open (prism.flush.max-age-ms).
     */
    private static void assertScalesDownOneStoppedReplicaAtATime(Rendering rendering, ApplicationSettings settings,
            JsonNode scaleDown) {
        int grace = rendering.podSpec().at("/terminationGracePeriodSeconds").asInt();
        int session = Integer.parseInt(settings.get("camel.component.kafka.session-timeout-ms")
                .orElse(ConsumerConfig.configDef().defaultValues().get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)
                        .toString())) / 1000;
        assertThat(scaleDown.path("policies")).isNotEmpty().allSatisfy(policy -> {
            assertThat(policy.path("type").asText()).isEqualTo("Pods");
            assertThat(policy.path("value").asInt()).isEqualTo(1);
            assertThat(policy.path("periodSeconds").asInt()).isGreaterThanOrEqualTo(grace + session);
        });
        assertThat(scaleDown.path("stabilizationWindowSeconds").asLong())
                .isGreaterThanOrEqualTo(Long.parseLong(settings.require("prism.flush.max-age-ms")) / 1000);
    }

    /** A parameter of the archive route's Kafka endpoint, as routes/archive.yaml sets it. */
    private static String routeParameter(String name) {
        try {
            Matcher parameter = Pattern.compile("\\n\\s+" + name + ":\\s*(\\S+)").matcher(Files.readString(
                    Dockerfile.PROJECT.resolve("routes/archive.yaml")));
            assertThat(parameter.find()).as("routes/archive.yaml sets " + name).isTrue();
            return parameter.group(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One overlay, rendered, with the views of it that the checks need. */
    private static final class Rendering {
        private final List<JsonNode> resources;

        Rendering(String overlay) {
            resources = RENDERED.computeIfAbsent(overlay, Kustomize::render);
        }

        JsonNode one(String kind) {
            List<JsonNode> found = resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
            assertThat(found).as("resources of kind " + kind).hasSize(1);
            return found.get(0);
        }

        JsonNode named(String kind, String name) {
            return resources.stream().filter(r -> r.path("kind").asText().equals(kind))
                    .filter(r -> r.at("/metadata/name").asText().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
        }

        JsonNode workload() {
            return one("StatefulSet");
        }

        /** The StatefulSet's replica count, or, when a scaler owns it, the fewest it scales down to. */
        int fewestReplicas() {
            if (workload().at("/spec").has("replicas")) {
                return workload().at("/spec/replicas").asInt();
            }
            for (JsonNode resource : resources) {
                switch (resource.path("kind").asText()) {
                    case "ScaledObject":
                        return resource.at("/spec/minReplicaCount").asInt();
                    case "HorizontalPodAutoscaler":
                        return resource.at("/spec/minReplicas").asInt();
                    default:
                        break;
                }
            }
            throw new AssertionError("the StatefulSet has no replica count and nothing scales it");
        }

        JsonNode podSpec() {
            return workload().at("/spec/template/spec");
        }

        JsonNode container() {
            assertThat(podSpec().path("containers")).hasSize(1);
            return podSpec().path("containers").get(0);
        }

        /** The container's environment variable {@code name}, as declared. */
        JsonNode environment(String name) {
            for (JsonNode variable : container().path("env")) {
                if (variable.path("name").asText().equals(name)) {
                    return variable;
                }
            }
            throw new AssertionError("the container has no environment variable " + name);
        }

        /** A port of the container, by number or by name. */
        int port(JsonNode port) {
            if (port.isInt()) {
                return port.asInt();
            }
            for (JsonNode declared : container().path("ports")) {
                if (declared.path("name").asText().equals(port.asText())) {
                    return declared.path("containerPort").asInt();
                }
            }
            throw new AssertionError("the container has no port named " + port.asText());
        }

        JsonNode volumeMountedAt(String path) {
            for (JsonNode mount : container().path("volumeMounts")) {
                if (mount.path("mountPath").asText().equals(path)) {
                    for (JsonNode volume : podSpec().path("volumes")) {
                        if (volume.path("name").asText().equals(mount.path("name").asText())) {
                            return volume;
                        }
                    }
                }
            }
            throw new AssertionError("nothing is mounted at " + path);
        }

        /** The data of the ConfigMap mounted as a folder at {@code path}. */
        JsonNode configMapMountedAt(String path) {
            String name = volumeMountedAt(path).at("/configMap/name").asText();
            return named("ConfigMap", name).path("data");
        }

        /** The file the application reads its overrides from, as the ConfigMap mounted there holds it. */
        Properties applicationProperties() {
            Path file = Path.of(List.of(ArchiveApplication.PROPERTY_LOCATIONS.split(",")).stream()
                    .filter(location -> location.startsWith("file:")).findFirst().orElseThrow()
                    .replaceFirst("^file:", "").replaceFirst(";.*", ""));
            JsonNode data = configMapMountedAt(IMAGE.workdir() + "/" + file.getParent());
            assertThat(data.has(file.getFileName().toString())).as("the ConfigMap holds " + file).isTrue();
            return ApplicationSettings.parse(data.path(file.getFileName().toString()).asText());
        }

        ApplicationSettings settings() {
            Map<String, String> environment = new HashMap<>(environmentFromSecrets());
            container().path("env").forEach(variable -> environment.put(variable.path("name").asText(),
                    variable.path("value").asText()));
            for (JsonNode source : container().path("envFrom")) {
                Optional.ofNullable(source.get("configMapRef")).ifPresent(ref -> named("ConfigMap",
                        ref.path("name").asText()).path("data").properties()
                        .forEach(entry -> environment.put(entry.getKey(), entry.getValue().asText())));
            }
            return ApplicationSettings.of(applicationProperties(), environment);
        }

        /** The environment variables the container takes from Secrets, decoded. */
        Map<String, String> environmentFromSecrets() {
            Map<String, String> environment = new HashMap<>();
            List<JsonNode> secrets = new ArrayList<>();
            container().path("envFrom").forEach(source -> Optional.ofNullable(source.get("secretRef"))
                    .ifPresent(ref -> secrets.add(named("Secret", ref.path("name").asText()))));
            for (JsonNode secret : secrets) {
                secret.path("data").properties().forEach(entry -> environment.put(entry.getKey(),
                        new String(Base64.getDecoder().decode(entry.getValue().asText()), StandardCharsets.UTF_8)));
            }
            return environment;
        }
    }
}
