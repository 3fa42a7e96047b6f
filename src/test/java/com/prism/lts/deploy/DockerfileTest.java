package com.prism.lts.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;

import com.prism.lts.deploy.Dockerfile.Instruction;
import com.prism.lts.deploy.Dockerfile.Stage;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What can be checked of the image without a Docker engine: that its build finds its files, that it starts the
 * command the tests start, and that it exposes the port the application serves.
 */
class DockerfileTest {

    private static final Dockerfile DOCKERFILE = Dockerfile.read();
    private static final Stage RUNTIME = DOCKERFILE.runtime();
    private static final ApplicationSettings SETTINGS = ApplicationSettings.packaged();
    private static final Path CLASS_DATA_SCRIPT = Path.of("scripts", "class-data-archive");
    private static final String SHARED_ARCHIVE = "-XX:SharedArchiveFile=";

    @Test
    void every_file_it_copies_from_the_repository_exists_and_is_in_the_build_context() {
        List<String> sources = new ArrayList<>();
        for (Stage stage : List.of(DOCKERFILE.stage("build"), RUNTIME)) {
            stage.all("COPY").stream().filter(copy -> !copy.hasFlag("--from"))
                    .forEach(copy -> sources.addAll(copy.operands().subList(0, copy.operands().size() - 1)));
        }

        assertThat(sources).isNotEmpty().allSatisfy(source -> {
            assertThat(Dockerfile.PROJECT.resolve(source)).exists();
            assertThat(DOCKERFILE.inContext(Path.of(source))).as(".dockerignore lets %s in", source).isTrue();
        });
    }

    @Test
    void the_image_holds_the_jar_that_maven_package_builds() {
        Instruction copy = jarCopy();
        Stage build = DOCKERFILE.stage(copy.arguments().replaceAll(".*--from=(\\S+).*", "$1"));

        assertThat(build.last("RUN").operands()).contains("mvn", "package");
        assertThat(copy.operands().get(0))
                .isEqualTo(build.workdir() + "/target/" + shade("finalName") + ".jar");
    }

    @Test
    void it_starts_the_run_command_of_the_jars_main_class_with_the_heap_sized_by_the_container() throws Exception {
        List<String> command = new ArrayList<>(RUNTIME.last("ENTRYPOINT").execForm());
        command.addAll(RUNTIME.last("CMD").execForm());
        int jar = command.indexOf("-jar");

        assertThat(command.get(0)).isEqualTo("java");
        assertThat(command.subList(1, jar)).allMatch(option -> option.startsWith("-"))
                .anyMatch(option -> option.startsWith("-XX:MaxRAMPercentage="));
        Instruction copy = jarCopy();
        assertThat(RUNTIME.last("ENTRYPOINT").resolve(command.get(jar + 1)))
                .isEqualTo(copy.resolve(copy.operands().get(1)));
        assertThat(command.subList(jar + 2, command.size())).containsExactly("run");
        assertThat(new CommandLine(Class.forName(shade("mainClass"))).getSubcommands()).containsKey("run");
    }

    @Test
    void it_exposes_the_management_port_and_checks_liveness_there() {
        assertThat(RUNTIME.last("EXPOSE").operands()).containsExactly(String.valueOf(SETTINGS.managementPort()));

        Matcher url = Pattern.compile("http://[^/:\\s]+:(\\d+)(/\\S*)").matcher(RUNTIME.last("HEALTHCHECK").arguments());
        assertThat(url.find()).as("HEALTHCHECK asks an http:// URL").isTrue();
        assertThat(Integer.parseInt(url.group(1))).isEqualTo(SETTINGS.managementPort());
        assertThat(url.group(2)).isEqualTo(SETTINGS.healthPath("live"));
    }

    @Test
    void it_runs_as_a_numeric_user_other_than_root() {
        // numeric, so that Kubernetes' runAsNonRoot can tell without reading /etc/passwd
        assertThat(RUNTIME.last("USER").arguments()).matches("\\d+(:\\d+)?").doesNotStartWith("0");
    }

    @Test
    void the_routes_the_application_loads_are_in_the_image_where_it_looks_for_them() {
        List<Path> routes = SETTINGS.routeFiles(Dockerfile.PROJECT);
        Path folder = routes.get(0).getParent();
        Instruction copy = RUNTIME.all("COPY").stream().filter(c -> c.operands().get(0).equals(folder.toString()))
                .findFirst().orElseThrow(() -> new AssertionError("the image gets no " + folder + " folder"));

        assertThat(routes).allMatch(route -> route.getParent().equals(folder)).allMatch(DOCKERFILE::inContext);
        assertThat(copy.resolve(copy.operands().get(1))).isEqualTo(RUNTIME.workdir() + "/" + folder);
    }

    @Test
    void it_starts_with_the_class_data_archive_that_its_own_java_wrote_for_its_jar() {
        Instruction writing = RUNTIME.all("RUN").stream()
                .filter(run -> run.arguments().contains(CLASS_DATA_SCRIPT.getFileName().toString())).findFirst()
                .orElseThrow(() -> new AssertionError("the runtime stage writes no class-data archive"));
        List<String> words = writing.operands();
        int script = words.indexOf(words.stream().filter(word -> word.endsWith("class-data-archive")).findFirst()
                .orElseThrow());
        Instruction scriptCopy = RUNTIME.all("COPY").stream()
                .filter(copy -> copy.operands().get(0).equals(CLASS_DATA_SCRIPT.toString())).findFirst()
                .orElseThrow(() -> new AssertionError("the runtime stage does not copy " + CLASS_DATA_SCRIPT));
        assertThat(writing.resolve(words.get(script))).isEqualTo(scriptCopy.resolve(scriptCopy.operands().get(1)));
        Instruction jar = jarCopy();
        assertThat(writing.resolve(words.get(script + 1))).as("the archive is written for the jar the image runs")
                .isEqualTo(jar.resolve(jar.operands().get(1)));

        String archive = writing.resolve(words.get(script + 2));
        Instruction entrypoint = RUNTIME.last("ENTRYPOINT");
        assertThat(entrypoint.execForm()).filteredOn(option -> option.startsWith(SHARED_ARCHIVE))
                .extracting(option -> entrypoint.resolve(option.substring(SHARED_ARCHIVE.length())))
                .containsExactly(archive);
    }

    private static Instruction jarCopy() {
        return RUNTIME.all("COPY").stream().filter(copy -> copy.hasFlag("--from")).findFirst()
                .orElseThrow(() -> new AssertionError("the runtime stage copies nothing from the build stage"));
    }

    /** A setting of the pom's maven-shade-plugin, which makes the jar. */
    private static String shade(String element) {
        try (InputStream in = Files.newInputStream(Dockerfile.PROJECT.resolve("pom.xml"))) {
            var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            String value = XPathFactory.newInstance().newXPath().evaluate(
                    "//*[local-name()='plugin'][*[local-name()='artifactId']='maven-shade-plugin']//*[local-name()='"
                            + element + "']", pom).trim();
            assertThat(value).as("the shade plugin's " + element).isNotEmpty();
            return value;
        } catch (Exception e) {
            throw new AssertionError("pom.xml could not be read", e);
        }
    }
}
