package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import com.prism.lts.config.Backoff;
import com.prism.lts.testing.EmbeddedS3;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Commit states too large for Kafka's metadata live in S3, against a real S3 server: the objects no commit names any
 * more (a commit whose answer was lost, an owner killed between two commits) do not pile up forever.
 */
class CommitMetadataTest {

    private static final String BUCKET = "prism-lts";
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    static EmbeddedS3 s3;
    static S3StateObjects objects;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
        objects = new S3StateObjects(s3.client(), BUCKET, new Backoff(10, 100), put -> put);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void states_no_commit_names_are_deleted_when_the_partition_is_taken_once_they_are_an_hour_old() {
        String group = "swept";
        CommitMetadata now = metadata(group, Duration.ZERO);
        String orphan = now.write(P0, 10, CommitState.empty(1, null));
        String committed = now.write(P0, 20, CommitState.empty(1, null));
        String otherPartition = now.write(P1, 10, CommitState.empty(1, null));

        metadata(group, Duration.ofMinutes(61)).sweep(P0, new OffsetAndMetadata(20, committed));

        assertThat(keys(group)).containsExactlyInAnyOrder(key(committed), key(otherPartition));
        assertThat(key(orphan)).startsWith("topics/_prism/commit-state/" + group + "/orders/0/");
    }

    @Test
    void a_state_younger_than_an_hour_is_kept_for_a_commit_that_may_still_be_in_flight() {
        String group = "young";
        CommitMetadata now = metadata(group, Duration.ZERO);
        String inFlight = now.write(P0, 30, CommitState.empty(1, null));
        String committed = now.write(P0, 20, CommitState.empty(1, null));

        metadata(group, Duration.ofMinutes(59)).sweep(P0, new OffsetAndMetadata(20, committed));

        assertThat(keys(group)).containsExactlyInAnyOrder(key(committed), key(inFlight));
    }

    @Test
    void a_partition_committed_without_a_state_object_keeps_none_of_its_old_ones() {
        String group = "inline";
        String old = metadata(group, Duration.ZERO).write(P0, 5, CommitState.empty(1, null));

        metadata(group, Duration.ofHours(2)).sweep(P0, new OffsetAndMetadata(9, "a state that went inline"));

        assertThat(keys(group)).doesNotContain(key(old)).isEmpty();
    }

    /** Metadata that puts every state in S3 and sees the time {@code later} than now; sweeps on the caller's thread. */
    private static CommitMetadata metadata(String group, Duration later) {
        return new CommitMetadata(objects, "topics", group, UUID::randomUUID, 0,
                Clock.fixed(Instant.now().plus(later), ZoneOffset.UTC), Duration.ofHours(1), Runnable::run);
    }

    private static String key(String metadata) {
        return CommitMetadata.objectOf(metadata).orElseThrow();
    }

    private static List<String> keys(String group) {
        return s3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("topics/_prism/commit-state/" + group + "/"))
                .contents().stream().map(S3Object::key).toList();
    }
}
