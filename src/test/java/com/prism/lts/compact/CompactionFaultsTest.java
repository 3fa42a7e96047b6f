package com.prism.lts.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.prism.lts.PrismLts;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.testing.Events;
import com.prism.lts.testing.JavaProcess;
import com.prism.lts.testing.LogCapture;
import com.prism.lts.testing.RunningArchive;
import com.prism.lts.testing.Testbed;
import com.prism.lts.testing.ToolRun;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.Table;
import org.apache.iceberg.relocated.com.google.common.collect.Iterables;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The compactor killed with {@code kill -9} in its own JVM at each step, two compactors on the same days at once, S3
 * gone in the middle of a run, and files it must not compact: every record produced stays exactly once in the table
 * and the small files the table does not name, a run after the fault finishes the days, and no orphan data file is
 * left. One archive is made once; each test copies the days it needs under a prefix of its own, with a catalog of its
 * own.
 */
class CompactionFaultsTest {

    static final String TOPIC = "compaction-faults";
    static final LocalDate[] DAYS = {CompactionBed.FIRST_DAY, CompactionBed.FIRST_DAY.plusDays(1),
        CompactionBed.FIRST_DAY.plusDays(2)};
    static final LocalDate INCOMPATIBLE_DAY = LocalDate.of(2018, 2, 1);
    static final int EVENTS = 240;
    static final int INCOMPATIBLE_ID = 3;

    @RegisterExtension
    static final Testbed TESTBED = new Testbed();
    static CompactionBed archive;
    static Set<String> produced;
    /** The value each produced record was sent with, after the wire format header, by partition and offset. */
    static Map<String, byte[]> values;

    @BeforeAll
    static void archiveOnce() {
        TESTBED.kafka().createTopic(TOPIC, 3);
        archive = new CompactionBed(TESTBED, TOPIC);
        archive.settings().put("prism.flush.size", "20");
        // a short orphan age, so that a test sees the clean-up; an attempt must then commit within 4 s
        archive.settings().put("prism.compact.orphan-age-ms", "8000");
        Schema incompatible = durationAsText();
        Events.publishSchema(TESTBED.schemas(), INCOMPATIBLE_ID, incompatible);
        try (KafkaProducer<byte[], byte[]> producer = TESTBED.kafka().producer()) {
            VariedEvents.send(producer, TOPIC, 0, EVENTS, DAYS, Long.MAX_VALUE);
            for (int i = 0; i < 30; i++) {
                GenericRecord demo = new DemoEvents(INCOMPATIBLE_DAY, 1, 5).event(i);
                GenericRecord event = new GenericData.Record(incompatible);
                incompatible.getFields().forEach(f -> event.put(f.name(), demo.get(f.name())));
                event.put("duration_ms", demo.get("duration_ms") + " ms");
                producer.send(new ProducerRecord<>(TOPIC, i % 3, null, com.prism.lts.decode.ConfluentAvroDecoder
                        .frame(INCOMPATIBLE_ID, VariedEvents.encode(event))));
            }
        }
        try (RunningArchive running = RunningArchive.start(archive.settings())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> TESTBED.kafka().committed(
                    archive.settings().get("prism.kafka.group-id"), TOPIC).values().stream()
                    .mapToLong(Long::longValue).sum() == EVENTS + 30);
        }
        values = TESTBED.kafka().readAll(TOPIC).stream()
                .filter(r -> ByteBuffer.wrap(r.value(), 1, 4).getInt() != INCOMPATIBLE_ID)
                .collect(Collectors.toMap(CompactionFaultsTest::place, r -> java.util.Arrays.copyOfRange(r.value(), 5,
                        r.value().length)));
        produced = values.keySet();
    }

    /** The demo schema with {@code duration_ms} a string: a change no Iceberg schema can follow. */
    private static Schema durationAsText() {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("UserEvent").namespace("com.prism.events")
                .fields();
        for (Schema.Field field : DemoEvents.SCHEMA.getFields()) {
            fields = field.name().equals("duration_ms") ? fields.requiredString("duration_ms")
                    : fields.name(field.name()).type(field.schema()).noDefault();
        }
        return fields.endRecord();
    }

    @Test
    void killed_after_writing_data_files_the_records_stay_once_and_the_next_run_compacts_and_cleans_up() {
        killedAt("DATA_FILES_WRITTEN");
    }

    @Test
    void killed_before_the_commit_the_records_stay_once_and_the_next_run_compacts_and_cleans_up() {
        killedAt("COMMITTING");
    }

    @Test
    void killed_after_the_commit_the_next_run_finds_the_files_in_the_table_and_only_deletes_them() {
        CompactionBed bed = killedAt("COMMITTED");
        assertThat(bed.table().snapshots()).as("one commit per day, none twice").hasSize(DAYS.length);
    }

    @Test
    void killed_halfway_through_the_deletes_the_next_run_deletes_the_rest() {
        CompactionBed bed = killedAt("DELETING_HALF");
        assertThat(bed.table().snapshots()).hasSize(DAYS.length);
    }

    @Test
    void two_compactors_on_the_same_days_at_once_commit_each_day_once() throws Exception {
        CompactionBed bed = archive.under("two-at-once");
        bed.copyDays(archive, DAYS);
        List<DayOutcome> outcomes = twoAtOnce(bed);

        // on a machine slow enough, a compactor writing a day longer than half the orphan age leaves it to a next run
        List<DayOutcome> left = outcomes.stream().filter(day -> day.kind() != DayOutcome.Kind.COMPACTED).toList();
        assertThat(left).as("left only for taking too long").allMatch(day -> day.kind() == DayOutcome.Kind.LEFT
                && day.reason().startsWith("writing took longer than half of prism.compact.orphan-age-ms"));
        if (!left.isEmpty()) {
            outcomes.addAll(bed.compact().days());
        }
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(2 * DAYS.length);
        assertThat(outcomes.stream().filter(day -> day.kind() == DayOutcome.Kind.COMPACTED)
                .mapToLong(DayOutcome::records).sum()).isEqualTo(EVENTS);
        assertExactlyOnce(bed);
        assertAuditedOnce(bed);
        assertThat(bed.smallFiles()).isEmpty();
        assertThat(bed.table().snapshots()).hasSize(DAYS.length);
        assertNoOrphanAfterTheNextRuns(bed);
    }

    @Test
    void two_workers_share_the_days_each_compacting_only_its_own() {
        CompactionBed bed = archive.under("workers");
        bed.copyDays(archive, DAYS);
        bed.settings().put("prism.compact.workers", "2");
        bed.settings().put("prism.compact.worker", "0");
        Set<LocalDate> zero = Set.of(DAYS).stream()
                .filter(day -> Math.floorMod((TOPIC + "/" + day).hashCode(), 2) == 0).collect(Collectors.toSet());

        List<DayOutcome> first = bed.compact().days();
        List<String> left = bed.smallFiles();
        bed.settings().put("prism.compact.worker", "1");
        List<DayOutcome> second = bed.compact().days();

        assertThat(first).extracting(DayOutcome::day).containsExactlyInAnyOrderElementsOf(zero);
        assertThat(left).isNotEmpty().allMatch(key -> zero.stream().noneMatch(day -> key.contains(
                String.format("day=%02d/", day.getDayOfMonth()))));
        assertThat(second).extracting(DayOutcome::day).doesNotContainAnyElementsOf(zero).hasSize(DAYS.length
                - zero.size());
        assertExactlyOnce(bed);
        assertThat(bed.smallFiles()).isEmpty();
    }

    @Test
    void s3_unreachable_at_the_commit_is_retried_and_nothing_is_deleted_before_the_commit() throws Exception {
        CompactionBed bed = archive.under("s3-outage");
        bed.copyDays(archive, DAYS[0]);
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicBoolean restarted = new AtomicBoolean();
        AtomicBoolean deletedBeforeRestart = new AtomicBoolean();
        CompletableFuture<Compactor.Report> run;
        try (LogCapture retries = LogCapture.of(Retrying.class)) {
            run = CompletableFuture.supplyAsync(() -> bed.compact(new CompactionSteps() {
                @Override
                public void reached(Step step, String topic, LocalDate day) {
                    if (step == Step.COMMITTING && stopped.compareAndSet(false, true)) {
                        TESTBED.s3().stop();
                    }
                }

                @Override
                public void deleted(String key, int done, int total) {
                    deletedBeforeRestart.compareAndSet(false, !restarted.get());
                }
            }));
            await().atMost(Duration.ofSeconds(60)).until(() -> retries.lines().stream()
                    .anyMatch(line -> line.startsWith("WARN Could not")));
        } finally {
            restarted.set(true);
            TESTBED.s3().restart();
        }

        Compactor.Report report = run.get(120, TimeUnit.SECONDS);

        assertThat(report.days()).singleElement().extracting(DayOutcome::kind).isEqualTo(DayOutcome.Kind.COMPACTED);
        assertThat(deletedBeforeRestart).as("a small file deleted while S3 was down").isFalse();
        assertExactlyOnce(bed, DAYS[0]);
        assertThat(bed.smallFiles()).isEmpty();
    }

    @Test
    void a_damaged_small_file_leaves_its_day_as_it_is_and_says_so() {
        CompactionBed bed = archive.under("damaged");
        bed.copyDays(archive, DAYS);
        String damaged = bed.smallFiles().stream().filter(key -> key.contains("day=02")).findFirst().orElseThrow();
        TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(damaged),
                RequestBody.fromString("Obj not an Avro file"));
        List<String> dayTwo = bed.smallFiles().stream().filter(key -> key.contains("day=02")).toList();

        Compactor.Report report = bed.compact();

        assertThat(report.days()).filteredOn(day -> day.day().equals(DAYS[1])).singleElement().satisfies(day -> {
            assertThat(day.kind()).isEqualTo(DayOutcome.Kind.LEFT);
            assertThat(day.reason()).startsWith(damaged + " cannot be read as an archive file");
        });
        assertThat(report.days()).filteredOn(day -> !day.day().equals(DAYS[1]))
                .allMatch(day -> day.kind() == DayOutcome.Kind.COMPACTED);
        assertThat(bed.smallFiles()).containsExactlyInAnyOrderElementsOf(dayTwo);
        assertThat(bed.rows()).noneMatch(row -> CompactionBed.provenance(row).getField("day").equals(DAYS[1]));
    }

    @Test
    void a_small_file_in_a_glacier_class_leaves_its_day_as_it_is_and_says_so() {
        CompactionBed bed = archive.under("glacier");
        bed.copyDays(archive, DAYS[0]);
        String frozen = bed.smallFiles().get(0);
        byte[] bytes = TESTBED.s3().client().getObjectAsBytes(b -> b.bucket(Testbed.BUCKET).key(frozen)).asByteArray();
        TESTBED.s3().client().putObject(b -> b.bucket(Testbed.BUCKET).key(frozen).storageClass("GLACIER"),
                RequestBody.fromBytes(bytes));
        List<String> before = bed.smallFiles();

        Compactor.Report report = bed.compact();

        assertThat(report.days()).singleElement().satisfies(day -> {
            assertThat(day.kind()).isEqualTo(DayOutcome.Kind.LEFT);
            assertThat(day.reason()).isEqualTo("1 of its small files are in an archived storage class and cannot be"
                    + " read until restored, such as " + frozen + " (GLACIER)");
        });
        assertThat(bed.smallFiles()).isEqualTo(before);
    }

    @Test
    void a_writer_schema_the_table_cannot_follow_leaves_its_day_as_small_files_in_one_sentence() {
        CompactionBed bed = archive.under("incompatible");
        bed.copyDays(archive, DAYS[0], INCOMPATIBLE_DAY);
        List<String> before = bed.smallFiles().stream().filter(key -> key.contains("month=02")).toList();

        Compactor.Report report = bed.compact();

        assertThat(report.days()).filteredOn(day -> day.day().equals(INCOMPATIBLE_DAY)).singleElement()
                .satisfies(day -> {
                    assertThat(day.kind()).isEqualTo(DayOutcome.Kind.LEFT);
                    assertThat(day.reason()).startsWith("schema " + INCOMPATIBLE_ID + " cannot join the table")
                            .contains("built from schemas " + Events.DEMO_SCHEMA_ID + ")")
                            .doesNotContain("\n");
                });
        assertThat(bed.smallFiles()).containsExactlyInAnyOrderElementsOf(before);
        try (JavaProcess command = JavaProcess.start(List.of("-Xmx256m"), bed.settings(), PrismLts.class.getName(),
                List.of("compact"), Path.of("target", "compact-incompatible.log"))) {
            assertThat(command.awaitExit()).as(command.log()).isEqualTo(CompactCommand.DAYS_LEFT);
            assertThat(command.log()).contains(TOPIC + " " + INCOMPATIBLE_DAY + " left as it is: schema "
                    + INCOMPATIBLE_ID + " cannot join the table");
        }
    }

    @Test
    void a_day_whose_files_the_committed_offsets_have_not_passed_is_not_compacted() {
        CompactionBed bed = archive.under("not-closed");
        bed.copyDays(archive, DAYS[0]);
        bed.settings().put("prism.kafka.group-id", "a-group-that-committed-nothing");
        List<String> before = bed.smallFiles();

        Compactor.Report report = bed.compact();

        assertThat(report.days()).singleElement().satisfies(day -> {
            assertThat(day.kind()).isEqualTo(DayOutcome.Kind.NOT_CLOSED);
            assertThat(day.reason()).startsWith("the archiver's committed offset of partition");
        });
        assertThat(bed.smallFiles()).isEqualTo(before);
        assertThat(bed.catalog().tableExists(bed.tableId())).isFalse();
    }

    private CompactionBed killedAt(String step) {
        CompactionBed bed = archive.under("killed-" + step.toLowerCase(java.util.Locale.ROOT));
        bed.copyDays(archive, DAYS);
        killedAt(step, bed, DAYS);
        return bed;
    }

    /**
     * Kills a compactor of {@code bed} in its own JVM at {@code step}; every record of {@code days} stays once, and
     * the next run finishes them.
     */
    private void killedAt(String step, CompactionBed bed, LocalDate... days) {
        try (JavaProcess compactor = JavaProcess.start(List.of("-Xmx256m"), bed.settings(),
                PausingCompactor.class.getName(), List.of(step), Path.of("target", "compactor-killed-" + step
                        + ".log"))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> compactor.log().contains("PAUSED AT " + step)
                    || !compactor.isAlive());
            assertThat(compactor.log()).contains("PAUSED AT " + step);
            compactor.kill();
        }
        assertExactlyOnce(bed, days);
        assertAuditedOnce(bed, days);

        Compactor.Report next = bed.compact();

        assertThat(next.days()).hasSize(days.length).allMatch(day -> day.kind() == DayOutcome.Kind.COMPACTED);
        assertExactlyOnce(bed, days);
        assertAuditedOnce(bed, days);
        assertThat(bed.smallFiles()).isEmpty();
        assertThat(bed.holdings().values()).containsOnly(1);
        assertNoOrphanAfterTheNextRuns(bed, days);
    }

    @Test
    void late_records_are_folded_with_the_days_data_files_into_one_sorted_run_and_orphan_metadata_is_removed() {
        CompactionBed bed = withLateFiles("folding");
        Table table = bed.table();
        // what a commit killed half-way leaves: a manifest and a manifest list no snapshot took up, a metadata file
        // the catalog never pointed to
        table.newAppend().appendFile(bed.dataFiles(DAYS[0]).get(0)).apply();
        String metadata = ((org.apache.iceberg.HasTableOperations) table).operations().current()
                .metadataFileLocation();
        String orphanMetadata = metadata.replaceAll("/[^/]*$", "/99999-" + java.util.UUID.randomUUID()
                + ".metadata.json");
        TESTBED.s3().client().copyObject(b -> b.sourceBucket(Testbed.BUCKET).sourceKey(key(metadata))
                .destinationBucket(Testbed.BUCKET).destinationKey(key(orphanMetadata)));
        List<String> before = bed.metadataFiles();

        Compactor.Report next = bed.compact();

        assertThat(next.days()).singleElement().satisfies(day -> {
            assertThat(day.kind()).isEqualTo(DayOutcome.Kind.COMPACTED);
            assertThat(day.foldedDataFiles()).isEqualTo(1);
            assertThat(day.dataFiles()).isEqualTo(1);
        });
        assertThat(bed.dataFiles(DAYS[0])).singleElement()
                .satisfies(file -> assertThat(file.recordCount()).isEqualTo(records(DAYS[0])));
        assertThat(bed.table().currentSnapshot().summary()).containsEntry(DayCompaction.SUMMARY_FOLDED, "1");
        assertExactlyOnce(bed, DAYS[0]);
        assertAuditedOnce(bed, DAYS[0]);
        assertThat(bed.smallFiles()).isEmpty();
        List<String> planted = before.stream().filter(key -> key.endsWith(key(orphanMetadata))
                || !bed.referencedMetadata().contains("s3://" + Testbed.BUCKET + "/" + key)).toList();
        assertThat(planted).as("a manifest, a manifest list and a metadata file").hasSizeGreaterThanOrEqualTo(3);
        assertNoOrphanAfterTheNextRuns(bed, DAYS[0]);
        assertThat(bed.metadataFiles()).doesNotContainAnyElementsOf(planted);
    }

    @Test
    void killed_after_the_commit_that_folds_a_day_the_next_run_only_deletes_its_late_files() {
        CompactionBed bed = withLateFiles("folding-killed");

        killedAt("COMMITTED", bed, DAYS[0]);

        assertThat(bed.dataFiles(DAYS[0])).hasSize(1);
    }

    @Test
    void two_compactors_folding_the_same_day_at_once_commit_it_once() throws Exception {
        CompactionBed bed = withLateFiles("folding-two");
        int snapshots = Iterables.size(bed.table().snapshots());
        List<DayOutcome> outcomes = twoAtOnce(bed);

        assertThat(outcomes).hasSize(2).allMatch(day -> day.kind() == DayOutcome.Kind.COMPACTED);
        assertThat(outcomes.stream().mapToInt(DayOutcome::foldedDataFiles).sum()).isEqualTo(1);
        assertThat(bed.table().snapshots()).hasSize(snapshots + 1);
        assertThat(bed.dataFiles(DAYS[0])).hasSize(1);
        assertExactlyOnce(bed, DAYS[0]);
        assertAuditedOnce(bed, DAYS[0]);
        assertNoOrphanAfterTheNextRuns(bed, DAYS[0]);
    }

    /**
     * The first day compacted without its last two small files, which are then copied in: late records for a day
     * that has one small data file, which the next run folds in (at most one small data file a day).
     */
    private static CompactionBed withLateFiles(String prefix) {
        CompactionBed bed = archive.under(prefix);
        bed.settings().put("prism.compact.max-small-data-files", "1");
        List<String> day = archive.smallFiles().stream().filter(key -> key.contains(dayFolder(DAYS[0]))).sorted()
                .toList();
        Set<String> late = Set.copyOf(day.subList(day.size() - 2, day.size()));
        bed.copyDays(archive, key -> !late.contains(key), DAYS[0]);
        assertThat(bed.compact().days()).singleElement().extracting(DayOutcome::kind)
                .isEqualTo(DayOutcome.Kind.COMPACTED);
        assertThat(bed.dataFiles(DAYS[0])).hasSize(1);
        bed.copyDays(archive, late::contains, DAYS[0]);
        return bed;
    }

    private static String dayFolder(LocalDate day) {
        return com.prism.lts.write.ArchiveKey.dayFolder(TOPIC, TOPIC, day).substring(TOPIC.length());
    }

    private static long records(LocalDate day) {
        return TESTBED.kafka().readAll(TOPIC).stream().filter(r -> produced.contains(place(r)) && VariedEvents.dayOf(r).equals(day))
                .count();
    }

    private static String key(String location) {
        return location.substring(("s3://" + Testbed.BUCKET + "/").length());
    }

    private static void assertExactlyOnce(CompactionBed bed, LocalDate... days) {
        Map<String, Integer> holdings = bed.holdings();
        assertThat(holdings.keySet()).isEqualTo(expected(days));
        assertThat(holdings.entrySet()).allSatisfy(place -> assertThat(place.getValue()).as(place.getKey())
                .isEqualTo(1));
        if (bed.catalog().tableExists(bed.tableId())) {
            assertThat(bed.rows()).allSatisfy(row -> {
                org.apache.iceberg.data.Record prism = CompactionBed.provenance(row);
                String place = prism.getField("partition") + "/" + prism.getField("offset");
                assertThat(CompactedTableTest.bytes(prism.getField("value"))).as(place).isEqualTo(values.get(place));
            });
        }
    }

    /**
     * {@code prism-lts audit} of the days copied, from the files and the table without Kafka (whose topic holds the
     * incompatible day too): every offset of the copied days archived, none twice, whatever the fault left.
     */
    private static void assertAuditedOnce(CompactionBed bed, LocalDate... days) {
        ToolRun audit = ToolRun.of(java.util.stream.Stream.concat(java.util.stream.Stream.of("audit", "--topic", TOPIC,
                "--files-only", "--json"), bed.toolOptions().stream()).toList());
        com.fasterxml.jackson.databind.JsonNode json;
        try {
            json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(audit.out());
        } catch (IOException e) {
            throw new AssertionError(audit.out() + audit.err(), e);
        }
        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
        long archived = 0;
        for (com.fasterxml.jackson.databind.JsonNode partition : json.get("topics").get(0).get("partitions")) {
            assertThat(partition.get("twice")).as(audit.out()).isEmpty();
            archived += partition.get("archived").asLong();
        }
        assertThat(archived).isEqualTo(expected(days).size());
    }

    /** The places (partition/offset) of the records produced for {@code days}; all days when none is given. */
    private static Set<String> expected(LocalDate... days) {
        return days.length == 0 ? produced : TESTBED.kafka().readAll(TOPIC).stream()
                .filter(r -> produced.contains(place(r)) && Set.of(days).contains(VariedEvents.dayOf(r)))
                .map(CompactionFaultsTest::place)
                .collect(Collectors.toSet());
    }

    /**
     * Runs again until the orphan files of the fault are old enough to be removed, and are: data files no snapshot
     * references, metadata files the table's metadata does not reach.
     */
    private static void assertNoOrphanAfterTheNextRuns(CompactionBed bed, LocalDate... days) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            bed.compact();
            assertThat(bed.orphans()).as("data files no snapshot references").isEmpty();
            Set<String> referenced = bed.referencedMetadata();
            assertThat(bed.metadataFiles()).as("metadata files the table's metadata does not reach")
                    .allMatch(key -> referenced.contains("s3://" + Testbed.BUCKET + "/" + key));
        });
        assertExactlyOnce(bed, days);
    }

    /** Two compactors on {@code bed} at once, meeting before their first commit: what each did, day by day. */
    private static List<DayOutcome> twoAtOnce(CompactionBed bed) throws Exception {
        CyclicBarrier bothReady = new CyclicBarrier(2);
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<DayOutcome> outcomes = new java.util.ArrayList<>();
        try {
            Future<Compactor.Report> one = two.submit(() -> bed.compact(meeting(bothReady)));
            Future<Compactor.Report> other = two.submit(() -> bed.compact(meeting(bothReady)));
            outcomes.addAll(one.get(120, TimeUnit.SECONDS).days());
            outcomes.addAll(other.get(120, TimeUnit.SECONDS).days());
        } finally {
            two.shutdownNow();
        }
        return outcomes;
    }

    private static CompactionSteps meeting(CyclicBarrier barrier) {
        AtomicBoolean met = new AtomicBoolean();
        return new CompactionSteps() {
            @Override
            public void reached(Step step, String topic, LocalDate day) {
                if (step == Step.COMMITTING && met.compareAndSet(false, true)) {
                    try {
                        barrier.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                        throw new IllegalStateException("the other compactor never got to its commit", e);
                    }
                }
            }

            @Override
            public void deleted(String key, int done, int total) {
            }
        };
    }

    private static String place(ConsumerRecord<byte[], byte[]> record) {
        return record.partition() + "/" + record.offset();
    }
}
