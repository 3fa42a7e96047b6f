package com.prism.lts.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

import com.prism.lts.config.KafkaSecurity;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar, as the image runs it, holds Amazon MSK's IAM login module and callback handler, which the Kafka
 * client loads by the names {@link KafkaSecurity} gives it when {@code prism.kafka.sasl.mechanism=AWS_MSK_IAM}:
 * loaded from the jar alone, they are the Kafka client's kinds of classes.
 */
class MskIamInJarIT {

    private static final Path JAR = Path.of("target", "prism-lts.jar").toAbsolutePath();

    @Test
    void the_jar_holds_the_msk_iam_callback_handler_and_login_module_the_kafka_client_loads_by_name() throws Exception {
        try (URLClassLoader jar = new URLClassLoader(new URL[] {JAR.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> handler = jar.loadClass(KafkaSecurity.MSK_IAM_CALLBACK_HANDLER);
            Class<?> loginModule = jar.loadClass(KafkaSecurity.MSK_IAM_LOGIN_MODULE);

            assertThat(handler.getProtectionDomain().getCodeSource().getLocation().toURI()).isEqualTo(JAR.toUri());
            assertThat(jar.loadClass("org.apache.kafka.common.security.auth.AuthenticateCallbackHandler")
                    .isAssignableFrom(handler)).isTrue();
            assertThat(javax.security.auth.spi.LoginModule.class.isAssignableFrom(loginModule)).isTrue();
        }
    }
}
