package com.prism.lts.chaos;

import java.nio.file.Path;
import java.util.Map;

import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.KafkaBroker;
import com.prism.lts.testing.S3Server;
import com.prism.lts.testing.TestSettings;

/**
 * Where fault scenarios play: a real Kafka broker, a real S3 server with the archive's bucket, a schema directory
 * holding the demo schema, and a folder for the replicas' logs.
 */
public record Stage(KafkaBroker kafka, S3Server s3, String bucket, Path schemas, Path logs) {

    /** Settings for archiving {@code topic}, its files under a prefix of the same name. */
    public Map<String, String> settings(String topic) {
        Map<String, String> settings = TestSettings.of(kafka, s3, schemas, topic);
        settings.put("prism.s3.bucket", bucket);
        settings.put("prism.s3.prefix", topic);
        return settings;
    }

    public ArchiveContents archived(String topic) {
        return ArchiveContents.read(s3, bucket, topic + "/");
    }
}
