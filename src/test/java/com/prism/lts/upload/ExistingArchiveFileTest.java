package com.prism.lts.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.ArchiveRecord;
import com.prism.lts.batch.TestBatches;
import com.prism.lts.commit.PartitionWatermark;
import com.prism.lts.commit.TestWatermarks;
import com.prism.lts.config.Backoff;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.Events;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The rule that keeps a file written twice from losing records, against a real S3 server: under one key, a file is
 * only ever replaced by one holding more records.
 */
class ExistingArchiveFileTest {

    static final String BUCKET = "prism-lts";
    static final DemoEvents DEMO = new DemoEvents(LocalDate.of(2018, 1, 4), 1, 4);

    static EmbeddedS3 s3;
    static ExistingArchiveFile existing;
    private String prefix;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
        existing = new ExistingArchiveFile(s3.client(), BUCKET, new Backoff(10, 100));
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @BeforeEach
    void ownPrefix(TestInfo test) {
        prefix = test.getTestMethod().orElseThrow().getName();
    }

    @Test
    void a_file_with_fewer_records_never_replaces_the_one_under_its_key() throws Exception {
        Exchange larger = written(20);
        put(larger);

        existing.settle(written(5));

        assertThat(recordsUnder(larger)).isEqualTo(20);
    }

    @Test
    void a_file_with_more_records_replaces_the_smaller_one_under_its_key() throws Exception {
        Exchange smaller = written(5);
        put(smaller);

        existing.settle(written(20));

        assertThat(recordsUnder(smaller)).isEqualTo(20);
    }

    @Test
    void a_file_without_a_record_count_is_counted_by_reading_it() throws Exception {
        Exchange larger = written(20);
        s3.client().putObject(b -> b.bucket(BUCKET).key(key(larger)), RequestBody.fromBytes(
                larger.getMessage().getBody(byte[].class)));

        existing.settle(written(10));

        assertThat(recordsUnder(larger)).isEqualTo(20);
    }

    @Test
    void a_key_that_is_free_again_by_the_time_it_is_settled_gets_the_file() throws Exception {
        Exchange file = written(7);
        s3.client().deleteObject(b -> b.bucket(BUCKET).key(key(file)));

        existing.settle(file);

        assertThat(recordsUnder(file)).isEqualTo(7);
    }

    /** The first {@code count} records of one day of one partition from offset 100, written as a file. */
    private Exchange written(int count) throws Exception {
        PartitionWatermark watermark = TestWatermarks.assigned("ac-user-event", 0);
        List<ArchiveRecord> records = IntStream.range(0, count)
                .mapToObj(i -> new ArchiveRecord("ac-user-event", 0, 100 + 2L * i, 1_515_000_000_000L + i,
                        LocalDate.of(2018, 1, 4), Events.decoded(Events.DEMO_SCHEMA_ID, DEMO.event(i)), watermark))
                .toList();
        ArchiveBatch batch = TestBatches.of(records);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(batch);
        new AvroBatchWriter(prefix, "deflate").process(exchange);
        return exchange;
    }

    @SuppressWarnings("unchecked")
    private static void put(Exchange file) {
        s3.client().putObject(b -> b.bucket(BUCKET).key(key(file))
                .metadata(file.getMessage().getHeader(AWS2S3Constants.METADATA, Map.class)),
                RequestBody.fromBytes(file.getMessage().getBody(byte[].class)));
    }

    private static String key(Exchange file) {
        return file.getMessage().getHeader(AWS2S3Constants.KEY, String.class);
    }

    private static int recordsUnder(Exchange file) {
        return s3.read(BUCKET, key(file)).records().size();
    }
}
