package com.prism.lts.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.batch.TestBatches;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.TestLedgers;
import com.prism.lts.config.Backoff;
import com.prism.lts.observe.Stuck;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.demo.Traffic;
import com.prism.lts.demo.TrafficSender;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Archive files are stored as prism.s3.storage-class, server-side-encryption, kms-key-id and tags say, on every path
 * that uploads them, against a real S3 server (s3proxy keeps storage classes; it refuses encryption and tags with
 * 501, which shows that they reach it: docs/storage.md says how they were checked on a store that keeps them).
 */
class StorageOptionsTest {

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();

    @Test
    void files_the_archiver_uploads_are_stored_in_the_configured_storage_class() throws Exception {
        String topic = "storage-class-events";
        TESTBED.kafka().createTopic(topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            new TrafficSender(producer).send(new Traffic(topic, 40, 2, LocalDate.of(2018, 1, 1), 2, 0, 3),
                    Events.DEMO_SCHEMA_ID, sent -> { });
        }
        Map<String, String> settings = TESTBED.settings(topic);
        settings.put("prism.s3.storage-class", "STANDARD_IA");
        try (RunningArchive archive = RunningArchive.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> archive.metrics().recordsArchived() == 40);
        }

        List<S3Object> files = TESTBED.s3().objects(Testbed.BUCKET, topic + "/" + topic + "/");
        assertThat(files).isNotEmpty().allSatisfy(file -> assertThat(file.storageClassAsString())
                .as(file.key()).isEqualTo("STANDARD_IA"));
    }

    @Test
    void a_file_that_replaces_one_on_a_taken_key_is_stored_in_the_configured_storage_class() throws Exception {
        StorageOptions storage = new StorageOptions("GLACIER_IR", Optional.empty(), Optional.empty(), Map.of());
        ExistingArchiveFile existing = new ExistingArchiveFile(new S3ArchiveStore(TESTBED.s3().client(),
                Testbed.BUCKET, storage), Testbed.BUCKET, new AvroBatchWriter("deflate"), new Backoff(10, 100), new Stuck());
        Exchange smaller = written(100, 101);
        String key = smaller.getMessage().getHeader(AWS2S3Constants.KEY, String.class);
        TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(key),
                RequestBody.fromBytes(smaller.getMessage().getBody(byte[].class)));

        existing.settle(written(100, 101, 102));

        assertThat(TESTBED.s3().read(Testbed.BUCKET, key).records()).hasSize(3);
        assertThat(TESTBED.s3().client().headObject(b -> b.bucket(Testbed.BUCKET).key(key)).storageClassAsString())
                .isEqualTo("GLACIER_IR");
    }

    @Test
    void the_default_adds_nothing_to_an_upload() {
        PutObjectRequest request = StorageOptions.DEFAULT.applyTo(PutObjectRequest.builder()).build();

        assertThat(request.storageClass()).isNull();
        assertThat(request.serverSideEncryption()).isNull();
        assertThat(request.ssekmsKeyId()).isNull();
        assertThat(request.tagging()).isNull();
    }

    @Test
    void kms_encryption_and_tags_go_into_the_upload_request() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("team", "data");
        tags.put("retention", "for ever");
        StorageOptions storage = new StorageOptions("STANDARD", Optional.of("aws:kms"), Optional.of("alias/prism"),
                tags);

        PutObjectRequest request = storage.applyTo(PutObjectRequest.builder()).build();

        assertThat(request.serverSideEncryptionAsString()).isEqualTo("aws:kms");
        assertThat(request.ssekmsKeyId()).isEqualTo("alias/prism");
        assertThat(request.tagging()).isEqualTo("team=data&retention=for%20ever");
    }

    @Test
    void the_archivers_upload_client_sends_encryption_and_tags_to_the_s3_server() {
        for (Map.Entry<String, String> setting : Map.of("prism.s3.server-side-encryption", "AES256",
                "prism.s3.tags", "team=data").entrySet()) {
            Map<String, String> settings = TESTBED.settings("storage-headers");
            settings.put(setting.getKey(), setting.getValue());
            try (RunningArchive archive = RunningArchive.start(settings)) {
                S3Client uploads = archive.bean("archiveFileUploads", S3Client.class);

                S3Exception refused = catchThrowableOfType(S3Exception.class, () -> uploads.putObject(
                        b -> b.bucket(Testbed.BUCKET).key("headers/file.avro"), RequestBody.fromString("x")));

                assertThat(refused.statusCode()).as(setting.getKey()).isEqualTo(501);
                assertThat(refused.getMessage()).as(setting.getKey()).containsAnyOf(
                        "Server-side encryption is not supported", "implies functionality that is not implemented");
            }
        }
    }

    /** docs/storage.md: the example keeps _prism/ and files under 128 KB, which cold classes make dearer, where they are. */
    @Test
    void the_lifecycle_example_moves_only_files_of_128_kb_and_more_of_a_topics_folder() throws Exception {
        JsonNode rules = new ObjectMapper().readTree(Path.of("docs/lifecycle-policy.json").toFile()).get("Rules");

        for (JsonNode rule : rules) {
            if (rule.has("Transitions")) {
                JsonNode filter = rule.get("Filter").get("And");
                assertThat(filter.get("Prefix").asText()).matches("topics/[^_/][^/]*/");
                assertThat(filter.get("ObjectSizeGreaterThan").asLong()).isEqualTo(128 * 1024);
                assertThat(rule.get("Transitions").findValuesAsText("StorageClass"))
                        .isSubsetOf("GLACIER_IR", "GLACIER", "DEEP_ARCHIVE");
            }
        }
        assertThat(rules.findValues("AbortIncompleteMultipartUpload")).hasSize(1);
    }

    private static Exchange written(long... offsets) throws Exception {
        PartitionLedger ledger = TestLedgers.assigned("ac-user-event", 0);
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, 4), 1, 4);
        ArchiveBatch batch = TestBatches.of(Arrays.stream(offsets).mapToObj(offset -> new ArchiveRecord(
                Events.polled("ac-user-event", 0, offset, 1_515_000_000_000L + offset), LocalDate.of(2018, 1, 4),
                Events.decoded(Events.DEMO_SCHEMA_ID, demo.event(offset)), ledger, null)).toList());
        return Uploads.of(batch, "settled");
    }
}
