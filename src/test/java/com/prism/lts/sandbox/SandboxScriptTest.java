package com.prism.lts.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./sandbox} itself, as a shell runs it: each argument reaches the sandbox as typed. */
class SandboxScriptTest {

    @Test
    void a_folder_whose_name_has_a_space_is_one_argument(@TempDir Path temp) throws IOException, InterruptedException {
        // the script compiles with Maven first; the test classes are compiled already, so a stand-in for mvn on the
        // PATH only writes the class path that Maven would
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path mvn = Files.writeString(bin.resolve("mvn"), """
                #!/bin/sh
                for argument in "$@"; do
                    case "$argument" in
                        -Dmdep.outputFile=*)
                            printf '%s' "$SANDBOX_TEST_CLASS_PATH" > "${argument#-Dmdep.outputFile=}" ;;
                    esac
                done
                """);
        assertThat(mvn.toFile().setExecutable(true)).isTrue();
        Path dir = temp.resolve("my dir");
        Path log = temp.resolve("sandbox.log");
        ProcessBuilder sandbox = new ProcessBuilder("./sandbox", "--dir", dir.toString(), "--count", "60", "--days",
                "2", "--flush-quiet-ms", "500", "--exit-when-done", "-Dcamel.management.port=0")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        sandbox.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        sandbox.environment().put("SANDBOX_TEST_CLASS_PATH", System.getProperty("java.class.path"));

        Process process = sandbox.start();
        boolean exited = process.waitFor(3, TimeUnit.MINUTES);
        if (!exited) {
            process.destroyForcibly().waitFor();
        }

        assertThat(exited).as(Files.readString(log)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        Path topic = dir.resolve("s3/prism-lts/topics/ac-user-event");
        assertThat(Files.readString(log)).contains("The files are in " + topic + ",");
        assertThat(topic.resolve("year=2018/month=01/day=02")).isDirectory();
    }
}
