package com.prism.lts.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Settings that point the archiver at the test's broker, S3 server and schema directory, with short timeouts. */
public final class TestSettings {

    private TestSettings() {
    }

    public static Map<String, String> of(KafkaBroker kafka, S3Server s3, Path schemas, String topic) {
        Map<String, String> settings = new HashMap<>(s3.settings());
        settings.put("prism.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("prism.kafka.group-id", "prism-test-" + UUID.randomUUID());
        settings.put("prism.kafka.commit-interval-ms", "100");
        settings.put("prism.topics", topic);
        settings.put("prism.schema-directory", schemas.toString());
        settings.put("prism.flush.quiet-ms", "1000");
        settings.put("prism.retry.initial-delay-ms", "100");
        settings.put("prism.retry.max-delay-ms", "1000");
        // a member that was killed is noticed after 6 s instead of 45 s
        settings.put("camel.component.kafka.session-timeout-ms", "6000");
        settings.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        // a free port: several archivers may run at once, in this JVM and beside it
        settings.put("camel.management.port", "0");
        return settings;
    }
}
