package com.prism.lts.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.prism.lts.demo.DemoEvents;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker, one real S3 server with the {@code prism-lts} bucket, and a schema directory holding the
 * demo schema, shared by the tests of a class: {@code @RegisterExtension static final Testbed TESTBED = new
 * Testbed();}.
 */
public final class Testbed implements BeforeAllCallback, AfterAllCallback {

    public static final String BUCKET = "prism-lts";

    private EmbeddedKafka kafka;
    private EmbeddedS3 s3;
    private Path schemas;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        kafka = EmbeddedKafka.start();
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
        schemas = Files.createTempDirectory("prism-schemas");
        Events.publishSchema(schemas, Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        s3.close();
        kafka.close();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedS3 s3() {
        return s3;
    }

    public Path schemas() {
        return schemas;
    }

    /** Settings for archiving {@code topic}, with its files under a prefix of the same name. */
    public Map<String, String> settings(String topic) {
        Map<String, String> settings = TestSettings.of(kafka, s3, schemas, topic);
        settings.put("prism.s3.prefix", topic);
        return settings;
    }

    /** Everything archived from {@code topic} so far, read back with Avro's own reader. */
    public ArchiveContents archived(String topic) {
        return ArchiveContents.read(s3, BUCKET, topic + "/");
    }
}
