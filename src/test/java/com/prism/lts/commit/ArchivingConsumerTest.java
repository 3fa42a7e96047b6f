package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

import com.prism.lts.config.Backoff;
import com.prism.lts.testing.EmbeddedKafka;
import com.prism.lts.testing.EmbeddedS3;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The consumer camel-kafka is given, against a real broker and a real S3 server: it commits each partition's ledger
 * with its state and nothing else, hands a partition's state to its next owner, and refuses the commits and seeks of
 * anyone else. This is what makes camel-kafka's own commit behaviour (which in versions before CAMEL-23997 committed
 * every offset handed to the route) irrelevant to what we ship.
 */
class ArchivingConsumerTest {

    private static final String BUCKET = "prism-lts";
    private static final StreamKey JAN_4 = new StreamKey(LocalDate.of(2018, 1, 4), "1");
    private static final int SETTINGS = 7;

    static EmbeddedKafka kafka;
    static EmbeddedS3 s3;
    static CommitMetadata metadata;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
        metadata = new CommitMetadata(new S3StateObjects(s3.client(), BUCKET, new Backoff(10, 100), put -> put),
                "topics", "g");
    }

    @AfterAll
    static void stop() {
        s3.close();
        kafka.close();
    }

    @Test
    void offsets_are_committed_only_up_to_the_lowest_record_not_yet_safe_and_other_commit_requests_are_refused()
            throws Exception {
        String topic = "commits";
        String group = group();
        send(topic, 10);
        try (ArchivingConsumer consumer = consumer(new Batches(), group)) {
            consumer.subscribe(List.of(topic));
            pollAll(consumer, 10);
            PartitionLedger partition = only(consumer);
            partition.opened(4, null);
            partition.opened(7, null);
            partition.released(0, 9);
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(10)));
            consumer.commitAsync();
            awaitCommitted(consumer, group, topic, 4);

            PartitionLedger.Cut first = partition.finished(JAN_4, 4, 4, null, false);
            awaitCommit(consumer, first);
            assertThat(kafka.committed(group, topic)).containsEntry(0, 4L);
            partition.uploaded(4, first);
            awaitCommitted(consumer, group, topic, 7);
            PartitionLedger.Cut second = partition.finished(JAN_4, 7, 7, null, false);
            awaitCommit(consumer, second);
            partition.uploaded(7, second);
        }
        assertThat(kafka.committed(group, topic)).as("committed on close").containsEntry(0, 10L);
    }

    @Test
    void a_change_to_how_one_topic_is_filed_leaves_the_committed_states_of_the_other_topics_followed()
            throws Exception {
        String kept = "kept-settings";
        String changed = "changed-settings";
        String group = group();
        send(kept, 2);
        send(changed, 2);
        StreamKey jan5 = new StreamKey(LocalDate.of(2018, 1, 5), "1");
        try (ArchivingConsumer first = (ArchivingConsumer) factory(new Batches(), topic -> SETTINGS)
                .getConsumer(properties(group))) {
            first.subscribe(List.of(kept, changed));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                first.poll(Duration.ofMillis(100));
                return first.ledgers().size() == 2
                        && first.ledgers().stream().allMatch(ledger -> ledger.lag().next() == 2);
            });
            for (PartitionLedger partition : first.ledgers()) {
                partition.opened(0, null);
                partition.opened(1, null);
                partition.released(0, 1);
                PartitionLedger.Cut cut = partition.finished(jan5, 1, 1, null, false);
                awaitCommit(first, cut);
                partition.uploaded(1, cut);
            }
        }

        try (ArchivingConsumer next = (ArchivingConsumer) factory(new Batches(),
                topic -> topic.equals(changed) ? SETTINGS + 1 : SETTINGS).getConsumer(properties(group))) {
            next.subscribe(List.of(kept, changed));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                next.poll(Duration.ofMillis(100));
                return next.ledgers().size() == 2;
            });
            assertThat(next.ledgers()).allSatisfy(partition -> assertThat(partition.filing(1, jan5).kind())
                    .as(partition.partition().topic())
                    .isEqualTo(partition.partition().topic().equals(kept)
                            ? PartitionLedger.Filing.Kind.ARCHIVED_BEFORE : PartitionLedger.Filing.Kind.FREE));
        }
    }

    @Test
    void a_consumer_subscribed_to_a_pattern_reads_the_topics_its_factory_lets_the_pattern_reach() {
        send("pattern-orders", 2);
        send("pattern-orders.dlq", 3);
        try (ArchivingConsumer consumer = (ArchivingConsumer) new ArchivingConsumerFactory(metadata, new Batches(),
                TestLedgers.unwatched(), topic -> SETTINGS, pattern -> Pattern.compile("(?!.*\\.dlq\\z)(?:" + pattern.pattern() + ")"),
                4, 10, new Backoff(10, 100)).getConsumer(properties(group()))) {
            consumer.subscribe(Pattern.compile("pattern-orders.*"));
            List<String> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> read.add(record.topic()));
                return read.size() >= 2;
            });

            assertThat(consumer.assignment()).extracting(TopicPartition::topic).containsOnly("pattern-orders");
            assertThat(read).containsOnly("pattern-orders");
        }
    }

    @Test
    void a_partitions_next_owner_starts_from_the_cuts_committed_with_its_offset() throws Exception {
        String topic = "handover";
        String group = group();
        send(topic, 6);
        try (ArchivingConsumer first = consumer(new Batches(), group)) {
            first.subscribe(List.of(topic));
            pollAll(first, 6);
            PartitionLedger partition = only(first);
            partition.opened(0, null);
            partition.opened(1, null);
            partition.deadLettered(4);
            partition.released(0, 5);
            PartitionLedger.Cut uploaded = partition.finished(new StreamKey(LocalDate.of(2018, 1, 5), "1"), 1, 2, null,
                    false);
            awaitCommit(first, uploaded);
            partition.uploaded(1, uploaded);
        }

        try (ArchivingConsumer next = consumer(new Batches(), group)) {
            next.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                next.poll(Duration.ofMillis(100));
                return !next.ledgers().isEmpty();
            });
            PartitionLedger partition = only(next);
            assertThat(partition.filing(2, new StreamKey(LocalDate.of(2018, 1, 5), "1")).kind())
                    .isEqualTo(PartitionLedger.Filing.Kind.ARCHIVED_BEFORE);
            assertThat(partition.filing(4, JAN_4).kind()).isEqualTo(PartitionLedger.Filing.Kind.DEAD_LETTERED_BEFORE);
        }
    }

    @Test
    void a_consumer_that_lost_its_partition_cannot_commit_a_cut_so_its_batch_is_never_uploaded() throws Exception {
        String topic = "zombie";
        String group = group();
        send(topic, 3);
        Properties slow = properties(group);
        slow.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "1500");
        ArchivingConsumerFactory factory = factory(new Batches());
        try (ArchivingConsumer zombie = (ArchivingConsumer) factory.getConsumer(slow);
                ArchivingConsumer successor = consumer(new Batches(), group)) {
            zombie.subscribe(List.of(topic));
            pollAll(zombie, 3);
            PartitionLedger partition = only(zombie);
            partition.opened(0, null);
            partition.released(0, 2);

            successor.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                successor.poll(Duration.ofMillis(100));
                return !successor.ledgers().isEmpty();
            });
            PartitionLedger.Cut late = partition.finished(JAN_4, 2, 2, null, false);
            awaitCommit(zombie, late);

            assertThat(late.committed().toCompletableFuture().join()).as("the zombie's batch must not be uploaded")
                    .isFalse();
            assertThat(zombie.ledgers()).isEmpty();
        }
        assertThat(kafka.committed(group, topic).getOrDefault(0, 0L)).isZero();
    }

    @Test
    void seeks_are_refused_so_a_record_is_read_once_per_assignment() {
        String topic = "seeks";
        String group = group();
        send(topic, 5);
        try (ArchivingConsumer consumer = consumer(new Batches(), group)) {
            consumer.subscribe(List.of(topic));
            pollAll(consumer, 5);
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.seek(partition, 0);
            consumer.seekToBeginning(List.of(partition));

            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> consumer.poll(Duration.ofMillis(100)).isEmpty());
        }
    }

    @Test
    void fetching_pauses_while_too_many_batches_wait_for_upload_and_resumes_by_itself() {
        String topic = "backpressure";
        Batches batches = new Batches();
        batches.waiting.set(4);
        send(topic, 5);
        try (ArchivingConsumer consumer = consumer(batches, group())) {
            consumer.subscribe(List.of(topic));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> consumer.poll(Duration.ofMillis(100)).isEmpty());
            assertThat(consumer.paused()).isNotEmpty();

            batches.waiting.set(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.poll(Duration.ofMillis(100)).isEmpty());
        }
    }

    @Test
    void a_state_too_large_for_the_commit_metadata_goes_to_s3_and_is_deleted_once_replaced() throws Exception {
        String topic = "large-state";
        String group = group();
        int days = 1500;
        send(topic, days + 1);
        try (ArchivingConsumer consumer = consumer(new Batches(), group)) {
            consumer.subscribe(List.of(topic));
            List<PartitionLedger.Cut> cuts = new ArrayList<>();
            int polled = 0;
            while (polled <= days) {
                for (ConsumerRecord<Object, Object> record : consumer.poll(Duration.ofMillis(200))) {
                    PartitionLedger partition = only(consumer);
                    long offset = record.offset();
                    partition.opened(offset, null);
                    partition.released(offset, offset);
                    if (offset > 0) {
                        cuts.add(partition.finished(new StreamKey(LocalDate.of(2000, 1, 1).plusDays(offset), "1"),
                                offset, offset, null, false));
                    }
                    polled++;
                }
            }
            PartitionLedger partition = only(consumer);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(50));
                // the states of earlier commits go once a later one is acknowledged
                return committedMetadata(group, topic).startsWith(CommitMetadata.IN_S3)
                        && s3.keys(BUCKET, "topics/_prism/commit-state/g/" + topic + "/0/").size() == 1;
            });
            assertThat(kafka.committed(group, topic)).containsEntry(0, 0L);
            assertThat(s3.keys(BUCKET, "topics/_prism/commit-state/g/" + topic + "/0/"))
                    .containsExactly(CommitMetadata.objectOf(committedMetadata(group, topic)).orElseThrow());
            for (int day = 1; day <= days; day++) {
                awaitCommit(consumer, cuts.get(day - 1));
                partition.uploaded(day, cuts.get(day - 1));
            }
            PartitionLedger.Cut last = partition.finished(JAN_4, 0, 0, null, false);
            awaitCommit(consumer, last);
            partition.uploaded(0, last);
            awaitCommitted(consumer, group, topic, days + 1);
            assertThat(committedMetadata(group, topic)).startsWith(CommitMetadata.INLINE)
                    .doesNotStartWith(CommitMetadata.IN_S3);
        }
        assertThat(s3.keys(BUCKET, "topics/_prism/commit-state/g/" + topic + "/")).as("replaced, so deleted")
                .isEmpty();
    }

    @Test
    void each_consumer_of_a_replica_is_a_static_member_of_its_own() throws Exception {
        String topic = "static";
        String group = group();
        kafka.createTopic(topic, 2);
        ArchivingConsumerFactory factory = factory(new Batches());
        Properties first = properties(group);
        first.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "prism-lts-0");
        Properties second = properties(group);
        second.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "prism-lts-0");
        try (ArchivingConsumer a = (ArchivingConsumer) factory.getConsumer(first);
                ArchivingConsumer b = (ArchivingConsumer) factory.getConsumer(second);
                Consumer<Object, Object> aAgain = factory.getConsumer(first);
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                a.poll(Duration.ofMillis(50));
                b.poll(Duration.ofMillis(50));
                return a.assignment().size() == 1 && b.assignment().size() == 1;
            });
            assertThat(members(admin, group)).extracting(m -> m.groupInstanceId().orElseThrow())
                    .containsExactlyInAnyOrder("prism-lts-0", "prism-lts-0-1");
            assertThat(first.getProperty(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                    .as("a consumer created again for the same camel-kafka consumer keeps its id")
                    .isEqualTo("prism-lts-0");
            assertThat(aAgain).isNotNull();
        }
    }

    private static Collection<MemberDescription> members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members();
    }

    private static String committedMetadata(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0)).metadata();
        }
    }

    /** Polls, as camel-kafka does, until a commit carrying {@code cut} is acknowledged or the cut abandoned. */
    private static void awaitCommit(ArchivingConsumer consumer, PartitionLedger.Cut cut) {
        if (cut.awaitingCommit()) {
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(50));
                return !cut.awaitingCommit();
            });
        }
    }

    private static void awaitCommitted(ArchivingConsumer consumer, String group, String topic, long offset) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            consumer.poll(Duration.ofMillis(50));
            Long committed = kafka.committed(group, topic).get(0);
            return committed != null && committed == offset;
        });
    }

    /**
     * Polls until the {@code count} records sent come, in one poll, which these tests then route as the archive route
     * would.
     */
    private static void pollAll(ArchivingConsumer consumer, int count) {
        ConsumerRecords<Object, Object> records = ConsumerRecords.empty();
        while (records.isEmpty()) {
            records = consumer.poll(Duration.ofMillis(200));
        }
        assertThat(records.count()).as("records in the first poll").isEqualTo(count);
    }

    private static PartitionLedger only(ArchivingConsumer consumer) {
        assertThat(consumer.ledgers()).hasSize(1);
        return consumer.ledgers().iterator().next();
    }

    private static String group() {
        return "g-" + UUID.randomUUID();
    }

    private static ArchivingConsumer consumer(Batches batches, String group) {
        return (ArchivingConsumer) factory(batches).getConsumer(properties(group));
    }

    private static ArchivingConsumerFactory factory(Batches batches) {
        return factory(batches, topic -> SETTINGS);
    }

    private static ArchivingConsumerFactory factory(Batches batches, ToIntFunction<String> settingsHash) {
        return new ArchivingConsumerFactory(metadata, batches, TestLedgers.unwatched(), settingsHash, pattern -> pattern, 4, 10,
                new Backoff(10, 100));
    }


    private static Properties properties(String group) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return properties;
    }

    private static void send(String topic, int count) {
        kafka.createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) i}));
            }
        }
    }

    /** The batches side, as the consumer sees it: how many wait, and what it asked to drop or finish. */
    private static final class Batches implements OpenBatches {
        final AtomicInteger waiting = new AtomicInteger();
        final List<PartitionLedger> dropped = new CopyOnWriteArrayList<>();

        @Override
        public int waitingUploads() {
            return waiting.get();
        }

        @Override
        public void drop(PartitionLedger partition) {
            dropped.add(partition);
        }

        @Override
        public void finish(Collection<PartitionLedger.Cut> cuts) {
        }
    }
}
