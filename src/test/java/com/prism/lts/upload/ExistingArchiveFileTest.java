package com.prism.lts.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongToIntFunction;
import java.util.stream.IntStream;

import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.batch.TestBatches;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.TestLedgers;
import com.prism.lts.config.Backoff;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.observe.Stuck;
import com.prism.lts.testing.ArchiveContents;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A key found taken is settled by the records each file holds (offset and timestamp, from the files' provenance),
 * never by counting them, against a real S3 server: no record that either writer wrote disappears, and none ends up
 * in two files.
 */
class ExistingArchiveFileTest {

    static final String BUCKET = "prism-lts";
    static final LocalDate DAY = LocalDate.of(2018, 1, 4);
    static final DemoEvents DEMO = new DemoEvents(DAY, 1, 4);
    static final long TIMESTAMP = 1_515_000_000_000L;

    static EmbeddedS3 s3;
    private String prefix;
    private ExistingArchiveFile existing;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @BeforeEach
    void ownPrefix(TestInfo test) {
        prefix = test.getTestMethod().orElseThrow().getName();
        existing = new ExistingArchiveFile(new S3ArchiveStore(s3.client(), BUCKET, StorageOptions.DEFAULT), BUCKET,
                new AvroBatchWriter("deflate"), new Backoff(10, 100), new Stuck());
    }

    @Test
    void a_file_written_again_finds_its_twin_under_its_key_and_leaves_it() throws Exception {
        put(written(100, 101, 102));

        existing.settle(written(100, 101, 102));

        assertThat(archivedOffsets()).containsExactly(100L, 101L, 102L);
        assertThat(keys()).containsExactly(key(100));
    }

    @Test
    void a_file_holding_some_of_the_batchs_records_is_replaced_by_the_batch() throws Exception {
        put(written(100, 102));

        existing.settle(written(100, 101, 102, 105));

        assertThat(archivedOffsets()).containsExactly(100L, 101L, 102L, 105L);
        assertThat(keys()).containsExactly(key(100));
    }

    @Test
    void a_file_holding_all_of_the_batchs_records_and_more_is_kept() throws Exception {
        put(written(100, 101, 102, 103));

        existing.settle(written(100, 102));

        assertThat(archivedOffsets()).containsExactly(100L, 101L, 102L, 103L);
    }

    @Test
    void a_larger_file_with_other_records_under_the_key_is_kept_and_the_records_it_lacks_go_to_a_variant_of_the_key()
            throws Exception {
        // Written by a replica with another prism.metric-date.zone: five records, but not the batch's 105
        put(written(100, 101, 102, 103, 104));

        existing.settle(written(100, 102, 105));

        assertThat(archivedOffsets()).containsExactly(100L, 101L, 102L, 103L, 104L, 105L);
        String variant = key(100).replace(".avro", "-1.avro");
        assertThat(keys()).containsExactlyInAnyOrder(key(100), variant);

        existing.settle(written(100, 102, 105));
        assertThat(keys()).as("settled again the same way, along the same variants").hasSize(2);
        assertThat(archivedOffsets()).containsExactly(100L, 101L, 102L, 103L, 104L, 105L);
    }

    @Test
    void a_file_left_by_another_sink_under_the_key_is_kept_and_the_batch_goes_to_a_variant_of_the_key()
            throws Exception {
        ByteArrayOutputStream connectFile = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(DemoEvents.SCHEMA))) {
            writer.create(DemoEvents.SCHEMA, connectFile);
            writer.append(DEMO.event(0));
        }
        s3.client().putObject(b -> b.bucket(BUCKET).key(key(100)), RequestBody.fromBytes(connectFile.toByteArray()));

        existing.settle(written(100, 101));

        assertThat(s3.read(BUCKET, key(100)).records()).as("the other sink's file").hasSize(1);
        String variant = key(100).replace(".avro", "-1.avro");
        assertThat(keys()).containsExactlyInAnyOrder(key(100), variant);
        assertThat(ArchiveContents.read(s3, BUCKET, variant).records()).extracting(ArchiveContents.Archived::offset)
                .containsExactly(100L, 101L);
    }

    @Test
    void a_file_from_before_the_topic_was_created_again_is_kept_and_the_batch_goes_to_a_variant_of_the_key()
            throws Exception {
        put(writtenAt(TIMESTAMP - 86_400_000L, 100, 101));

        existing.settle(written(100, 101));

        assertThat(keys()).containsExactlyInAnyOrder(key(100), key(100).replace(".avro", "-1.avro"));
        assertThat(archivedOffsets()).containsExactly(100L, 100L, 101L, 101L);
    }

    @Test
    void a_file_of_the_same_offsets_and_timestamps_but_other_values_is_not_taken_for_the_batchs_records()
            throws Exception {
        // a topic deleted and created again, its records published again as corrections: same offsets, same
        // timestamps, other values
        put(writtenOf(offset -> (int) offset + 1000, TIMESTAMP, 100, 101));

        existing.settle(written(100, 101));

        assertThat(keys()).containsExactlyInAnyOrder(key(100), key(100).replace(".avro", "-1.avro"));
        assertThat(archivedOffsets()).as("both incarnations kept").containsExactly(100L, 100L, 101L, 101L);
    }

    @Test
    void a_file_that_must_be_read_but_sits_in_an_archive_storage_class_is_reported_stuck_until_it_can_be_read()
            throws Exception {
        put(written(100, 101));
        Stuck stuck = new Stuck();
        AtomicInteger refusals = new AtomicInteger(3);
        List<Map<String, String>> stuckWhenRestored = new ArrayList<>();
        ArchiveStore restoredAfterThreeReads = new ArchiveStore() {
            private final ArchiveStore s3Store = new S3ArchiveStore(s3.client(), BUCKET, StorageOptions.DEFAULT);

            @Override
            public Optional<Stored> get(String key) throws IOException {
                if (refusals.getAndDecrement() > 0) {
                    // what S3 answers for an object in GLACIER or DEEP_ARCHIVE that is not restored
                    throw new IOException(S3Exception.builder().statusCode(403).awsErrorDetails(
                            AwsErrorDetails.builder().errorCode("InvalidObjectState")
                                    .errorMessage("The operation is not valid for the object's storage class").build())
                            .build());
                }
                stuckWhenRestored.add(stuck.now());
                return s3Store.get(key);
            }

            @Override
            public boolean putIfAbsent(String key, byte[] file, Map<String, String> metadata) throws IOException {
                return s3Store.putIfAbsent(key, file, metadata);
            }

            @Override
            public boolean putIfMatch(String key, byte[] file, Map<String, String> metadata, String eTag)
                    throws IOException {
                return s3Store.putIfMatch(key, file, metadata, eTag);
            }
        };

        new ExistingArchiveFile(restoredAfterThreeReads, BUCKET, new AvroBatchWriter("deflate"), new Backoff(10, 100),
                stuck).settle(written(100, 101));

        assertThat(stuckWhenRestored.get(0)).hasEntrySatisfying("s3://" + BUCKET + "/" + key(100),
                why -> assertThat(why).contains("archive storage class"));
        assertThat(stuck.now()).as("settled: it moves on").isEmpty();
        assertThat(archivedOffsets()).containsExactly(100L, 101L);
    }

    @Test
    void a_key_that_is_free_again_by_the_time_it_is_settled_gets_the_file() throws Exception {
        existing.settle(written(100, 101, 102));

        assertThat(archivedOffsets()).containsExactly(100L, 101L, 102L);
    }

    /** One day of one partition at {@code offsets}, written as a file: the exchange that found its key taken. */
    private Exchange written(long... offsets) throws Exception {
        return writtenAt(TIMESTAMP, offsets);
    }

    private Exchange writtenAt(long firstTimestamp, long... offsets) throws Exception {
        return writtenOf(offset -> (int) offset, firstTimestamp, offsets);
    }

    /** As {@link #written}, the record at each offset holding demo event {@code eventOf(offset)}. */
    private Exchange writtenOf(LongToIntFunction eventOf, long firstTimestamp, long... offsets) throws Exception {
        PartitionLedger ledger = TestLedgers.assigned("ac-user-event", 0);
        List<ArchiveRecord> records = IntStream.range(0, offsets.length)
                .mapToObj(i -> new ArchiveRecord(Events.polled("ac-user-event", 0, offsets[i],
                        firstTimestamp + offsets[i]), DAY,
                        Events.decoded(Events.DEMO_SCHEMA_ID, DEMO.event(eventOf.applyAsInt(offsets[i]))), ledger,
                        null))
                .toList();
        return Uploads.of(TestBatches.of(records), prefix);
    }

    private static void put(Exchange file) {
        s3.client().putObject(b -> b.bucket(BUCKET).key(file.getMessage().getHeader(AWS2S3Constants.KEY,
                String.class)), RequestBody.fromBytes(file.getMessage().getBody(byte[].class)));
    }

    private String key(long startOffset) {
        return prefix + "/ac-user-event/year=2018/month=01/day=04/ac-user-event+0+"
                + String.format("%010d", startOffset) + ".avro";
    }

    private List<String> keys() {
        return s3.keys(BUCKET, prefix + "/");
    }

    /** Every offset in the archive under this test's prefix, as many times as it is there, in order. */
    private List<Long> archivedOffsets() {
        List<Long> offsets = new ArrayList<>(ArchiveContents.read(s3, BUCKET, prefix + "/").records().stream()
                .map(ArchiveContents.Archived::offset).toList());
        offsets.sort(null);
        return offsets;
    }
}
