package com.prism.lts.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;

import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.ArchiveProcess;
import com.prism.lts.testing.EmbeddedKafka;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RegistryStandIn;
import com.prism.lts.testing.TestSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsTest {

    @TempDir
    Path schemas;

    @Test
    void each_uploaded_file_gets_one_line_in_words_and_no_credential_is_ever_logged() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedS3 s3 = EmbeddedS3.start();
                RegistryStandIn registry = RegistryStandIn.start()) {
            s3.createBucket("prism-lts");
            registry.put(Events.DEMO_SCHEMA_ID, DemoEvents.SCHEMA);
            kafka.createTopic("logged", 1);
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                Events.send(producer, "logged", 0, null, Events.wire(Events.DEMO_SCHEMA_ID,
                        new DemoEvents(LocalDate.of(2018, 1, 4), 1, 1).event(0)));
            }
            Map<String, String> settings = TestSettings.of(kafka, s3, schemas, "logged");
            settings.remove("prism.schema-directory");
            settings.put("prism.schema-registry.url", registry.url().toString());
            settings.put("prism.schema-registry.username", "archiver");
            settings.put("prism.schema-registry.password", "registry-Pa55word");
            String group = settings.get("prism.kafka.group-id");

            try (ArchiveProcess archive = ArchiveProcess.start(settings, Path.of("target", "logs-test.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committed(group, "logged").get(0),
                        offset -> offset != null && offset == 1);
                archive.terminate();
                assertThat(archive.log())
                        .contains("Archived s3://prism-lts/topics/logged/year=2018/month=01/day=04/"
                                + "logged+0+0000000000.avro: 1 records, offsets 0 to 0 of logged-0")
                        .doesNotContain(EmbeddedS3.SECRET_KEY)
                        .doesNotContain("registry-Pa55word");
            }
        }
    }
}
