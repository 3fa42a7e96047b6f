package com.prism.lts.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.prism.lts.PrismLts;
import com.prism.lts.testing.PackagedApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive that the image's build writes with {@code scripts/class-data-archive} is one the JVM maps
 * when the jar starts: a JVM told to start only with it ({@code -Xshare:on}) starts, and takes the application's
 * classes from it. A JVM that cannot use an archive ignores it silently, so nothing else would notice one that never
 * works.
 */
class ClassDataArchiveIT {

    @Test
    void the_jar_starts_with_its_classes_taken_from_the_archive(@TempDir Path folder) throws Exception {
        PackagedApplication application = PackagedApplication.prepare(folder);

        Process start = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on", application.classDataOption(), "-Xlog:class+load=info", "-cp",
                application.jar().toString(), PrismLts.class.getName(), "--help").redirectErrorStream(true).start();
        String output = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as(output).isZero();
        assertThat(output).contains(PrismLts.class.getName() + " source: shared objects file (top)");
    }
}
