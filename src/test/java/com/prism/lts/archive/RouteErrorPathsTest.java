package com.prism.lts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import com.prism.lts.app.ArchiveApplication;
import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.commit.CommitState;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.observe.ArchiveMetrics;
import com.prism.lts.observe.Stuck;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.Produced;
import com.prism.lts.testing.Reconciliation;
import com.prism.lts.testing.Testbed;
import com.prism.lts.upload.BatchUploaded;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The error paths of the shipped routes, driven with Camel's own test kit: the routes and beans start as camel-main
 * starts them, AdviceWith weaves a fault in front of one endpoint, NotifyBuilder says when batches are through. Kafka
 * and S3 stay real (S3 also settles a taken key), and each test compares what was archived and dead-lettered with what
 * was produced. Every day's records fill whole batches, so that every file is cut by size.
 */
class RouteErrorPathsTest extends CamelMainTestSupport {

    static final int FLUSH_SIZE = 10;
    /** docs/exactly-once.md: the committed state follows this in the metadata of each committed offset. */
    static final String STATE = "prism1:";

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final String topic = "route-errors-" + TOPICS.incrementAndGet();
    private final Map<String, String> settings = TESTBED.settings(topic);
    private final List<Fault> faults = new ArrayList<>();

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        // each test weaves its fault into the routes before the context starts
        test.withUseAdviceWith(true);
    }

    @Override
    protected void setupResources() {
        TESTBED.kafka().createTopic(topic, 1);
        settings.put("prism.flush.size", Integer.toString(FLUSH_SIZE));
        Properties properties = new Properties();
        properties.putAll(settings);
        camelContextConfiguration().withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return ArchiveApplication.PROPERTY_LOCATIONS;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        ArchiveApplication.configure(configuration);
    }

    /** A test that failed half-way leaves nothing failing for the graceful stop, which uploads what is open. */
    @AfterEach
    void endFaults() {
        faults.forEach(Fault::end);
    }

    @Test
    void an_upload_that_s3_fails_is_retried_until_it_passes_and_no_offset_past_it_is_committed_meanwhile()
            throws Exception {
        Fault s3 = fault(exchange -> key(exchange).contains("/day=02/"),
                () -> S3Exception.builder().statusCode(503).message("Service Unavailable").build());
        AdviceWith.adviceWith(context, "upload", route -> route.weaveByToUri("aws2-s3:*").before().process(s3));
        NotifyBuilder firstAndThirdDay = new NotifyBuilder(context).wereSentTo("aws2-s3:*").whenCompleted(2)
                .create();
        context.start();

        List<Produced> produced = produce(day(1), day(2), day(3));
        assertThat(firstAndThirdDay.matches(60, TimeUnit.SECONDS)).as("days 1 and 3 uploaded").isTrue();
        Committed meanwhile = await().atMost(Duration.ofSeconds(30))
                .until(this::committed, committed -> committed != null && committed.inS3(3 * FLUSH_SIZE - 1));
        await().atMost(Duration.ofSeconds(30)).until(() -> s3.attempts() >= 3);

        assertThat(meanwhile.offset()).as("committed after day 3 was uploaded, while day 2 fails")
                .isEqualTo(FLUSH_SIZE);
        assertThat(TESTBED.s3().keys(Testbed.BUCKET, topic + "/")).noneMatch(key -> key.contains("/day=02/"));
        s3.end();
        await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset() == produced.size());
        assertThat(metrics().uploadFailures()).isGreaterThanOrEqualTo(3);
        assertThat(reconciliation(produced).archived()).isEqualTo(produced.size());
    }

    @Test
    void a_file_whose_key_another_writer_took_with_the_same_file_is_kept_without_a_retry() throws Exception {
        AvroBatchWriter otherWriter = new AvroBatchWriter("deflate"); // prism.avro.codec as shipped
        AtomicReference<byte[]> theirs = new AtomicReference<>();
        // the partition's previous owner, which cut the same batch, uploads its file a moment before this one does
        Processor previousOwner = exchange -> {
            String key = key(exchange);
            if (theirs.get() == null && key.contains("/day=01/")) {
                byte[] file = otherWriter.write(exchange.getProperty(BatchUploaded.BATCH, ArchiveBatch.class),
                        ArchiveKey.parse(key).orElseThrow());
                TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(key), RequestBody.fromBytes(file));
                theirs.set(file);
            }
        };
        AdviceWith.adviceWith(context, "upload",
                route -> route.weaveByToUri("aws2-s3:*").before().process(previousOwner));
        NotifyBuilder bothDays = new NotifyBuilder(context).wereSentTo("aws2-s3:*").whenCompleted(2).create();
        context.start();

        List<Produced> produced = produce(day(1), day(2));
        assertThat(bothDays.matches(60, TimeUnit.SECONDS)).as("both days uploaded").isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset() == produced.size());

        assertThat(metrics().uploadFailures()).as("a taken key is no failure").isZero();
        List<String> keys = TESTBED.s3().keys(Testbed.BUCKET, topic + "/");
        assertThat(keys).hasSize(2);
        String first = keys.stream().filter(key -> key.contains("/day=01/")).findFirst().orElseThrow();
        assertThat(TESTBED.s3().client().getObjectAsBytes(b -> b.bucket(Testbed.BUCKET).key(first)).asByteArray())
                .as("the file under the key").isEqualTo(theirs.get());
        assertThat(reconciliation(produced).archived()).isEqualTo(produced.size());
    }

    @Test
    void a_dead_letter_the_topic_refuses_is_retried_until_it_is_taken_and_no_offset_past_it_is_committed_meanwhile()
            throws Exception {
        Fault deadLetterTopic = fault(exchange -> true, () -> new TimeoutException(
                "Topic " + topic + ".dlq not present in metadata after 60000 ms."));
        AdviceWith.adviceWith(context, "dead-letter",
                route -> route.weaveByToUri("kafka:dead-letter*").before().process(deadLetterTopic));
        NotifyBuilder deadLettered = new NotifyBuilder(context).wereSentTo("kafka:dead-letter*").whenCompleted(1)
                .create();
        context.start();

        List<Produced> produced = new ArrayList<>(produce(day(1)));
        Produced bad = produceBad();
        produced.add(bad);
        produced.addAll(produce(day(2)));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterTopic.attempts() >= 3);

        // the consumer's thread retries the dead letter: nothing after it is routed, nothing past it committed
        assertThat(committedOffset()).as("committed while the dead letter fails").isLessThanOrEqualTo(bad.offset());
        deadLetterTopic.end();
        assertThat(deadLettered.matches(60, TimeUnit.SECONDS)).as("dead-lettered").isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset() == produced.size());
        Reconciliation reconciliation = reconciliation(produced);
        assertThat(reconciliation.deadLettered()).isEqualTo(1);
        assertThat(reconciliation.archived()).isEqualTo(produced.size() - 1);
    }

    @Test
    void a_dead_letter_the_topic_refuses_for_good_makes_the_replica_not_ready_and_says_why_until_it_is_taken()
            throws Exception {
        Fault tooLarge = fault(exchange -> true, () -> new RecordTooLargeException(
                "The message is 1048600 bytes when serialized which is larger than 1048576"));
        AdviceWith.adviceWith(context, "dead-letter",
                route -> route.weaveByToUri("kafka:dead-letter*").before().process(tooLarge));
        NotifyBuilder deadLettered = new NotifyBuilder(context).wereSentTo("kafka:dead-letter*").whenCompleted(1)
                .create();
        context.start();
        Stuck stuck = context.getRegistry().lookupByNameAndType("stuck", Stuck.class);

        List<Produced> produced = new ArrayList<>(produce(day(1)));
        Produced bad = produceBad();
        produced.add(bad);
        await().atMost(Duration.ofSeconds(30)).until(() -> !stuck.now().isEmpty());

        assertThat(stuck.now()).hasEntrySatisfying("the dead letter of " + topic + "-0 offset " + bad.offset(),
                why -> assertThat(why).contains("max.message.bytes"));
        assertThat(HealthCheckHelper.invokeReadiness(context)).filteredOn(check -> check.getCheck().getId()
                .equals("stuck")).singleElement().satisfies(check -> assertThat(check.getState())
                        .isEqualTo(HealthCheck.State.DOWN));
        tooLarge.end();
        assertThat(deadLettered.matches(60, TimeUnit.SECONDS)).as("dead-lettered once it fits").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> stuck.now().isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> committedOffset() == produced.size());
        assertThat(reconciliation(produced).deadLettered()).isEqualTo(1);
    }

    /** {@code FLUSH_SIZE} events of the {@code n}-th of January 2018. */
    private static List<GenericRecord> day(int n) {
        DemoEvents demo = new DemoEvents(LocalDate.of(2018, 1, n), 1, n);
        return IntStream.range(0, FLUSH_SIZE).mapToObj(demo::event).toList();
    }

    @SafeVarargs
    private List<Produced> produce(List<GenericRecord>... days) {
        List<Produced> produced = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            for (List<GenericRecord> day : days) {
                for (GenericRecord event : day) {
                    RecordMetadata sent = Events.send(producer, topic, 0, null,
                            Events.wire(Events.DEMO_SCHEMA_ID, event));
                    produced.add(new Produced(event.get("event_id").toString(), 0, sent.offset(), false));
                }
            }
        }
        return produced;
    }

    /** A record that is not in the Confluent wire format: it can only be dead-lettered. */
    private Produced produceBad() {
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            RecordMetadata sent = Events.send(producer, topic, 0, null,
                    "{\"metric_date\": \"2018-01-01\"}".getBytes(StandardCharsets.UTF_8));
            return new Produced("bad", 0, sent.offset(), true);
        }
    }

    /** What was archived and dead-lettered, compared with what was produced: each record once, none misplaced. */
    private Reconciliation reconciliation(List<Produced> produced) {
        Reconciliation reconciliation = Reconciliation.of(produced, TESTBED.archived(topic),
                TESTBED.kafka().readAll(topic + ".dlq"));
        assertThat(reconciliation.exactlyOnce()).as(reconciliation.toString()).isTrue();
        assertThat(reconciliation.deadLettersDuplicated()).as(reconciliation.toString()).isZero();
        return reconciliation;
    }

    /** The offset committed for partition 0 and the state committed with it; null before the first commit. */
    private Committed committed() {
        OffsetAndMetadata offset = TESTBED.kafka().committedWithMetadata(settings.get("prism.kafka.group-id"), topic)
                .get(0);
        if (offset == null) {
            return null;
        }
        assertThat(offset.metadata()).startsWith(STATE);
        return new Committed(offset.offset(),
                CommitState.fromText(offset.metadata().substring(STATE.length()), offset.offset()));
    }

    private long committedOffset() {
        Committed committed = committed();
        return committed == null ? -1 : committed.offset();
    }

    private ArchiveMetrics metrics() {
        return context.getRegistry().lookupByNameAndType("archiveMetrics", ArchiveMetrics.class);
    }

    private static String key(Exchange exchange) {
        return exchange.getMessage().getHeader(AWS2S3Constants.KEY, String.class);
    }

    private Fault fault(Predicate<Exchange> which, Supplier<Exception> failure) {
        Fault fault = new Fault(which, failure);
        faults.add(fault);
        return fault;
    }

    private record Committed(long offset, CommitState state) {

        /** Whether the state says that the file ending at offset {@code end} is in S3. */
        boolean inS3(long end) {
            return state.cuts().values().stream().flatMap(List::stream)
                    .anyMatch(cut -> cut.end() == end && cut.done());
        }
    }

    /** Fails the exchanges that {@code which} selects, as their endpoint would, until it ends. */
    private static final class Fault implements Processor {

        private final Predicate<Exchange> which;
        private final Supplier<Exception> failure;
        private final AtomicInteger attempts = new AtomicInteger();
        private volatile boolean ended;

        Fault(Predicate<Exchange> which, Supplier<Exception> failure) {
            this.which = which;
            this.failure = failure;
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            if (!ended && which.test(exchange)) {
                attempts.incrementAndGet();
                throw failure.get();
            }
        }

        int attempts() {
            return attempts.get();
        }

        void end() {
            ended = true;
        }
    }
}
