package com.prism.lts.observe;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.prism.lts.batch.DayBatches;
import com.prism.lts.commit.ConsumerWatch;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.deadletter.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.kafka.common.TopicPartition;

/**
 * What the archive has done, as Micrometer meters (served as Prometheus text at {@code /observe/metrics}, beside
 * Camel's own), and the numbers tests and tools read.
 */
public final class ArchiveMetrics implements DeadLetters.RejectionCounter, ConsumerWatch {

    private final MeterRegistry registry;
    private final Counter recordsRead;
    private final Counter recordsArchived;
    private final Counter filesWritten;
    private final Counter bytesWritten;
    private final Counter uploadFailures;
    private final Counter routeFailures;
    private final Counter restoredCopies;
    private final Stuck stuck;
    private final Counter commits;
    private final Counter statesInline;
    private final Counter statesInS3;
    private final Timer uploadLatency;
    private final Map<RejectReason, Counter> deadLettered = new EnumMap<>(RejectReason.class);
    private final Map<TopicPartition, Owned> owned = new ConcurrentHashMap<>();

    /** @param stuck where what cannot move on is told ({@link #stuck}), and counted ({@code prism_stuck}) */
    public ArchiveMetrics(MeterRegistry registry, Stuck stuck) {
        this.registry = registry;
        this.stuck = stuck;
        Gauge.builder("prism.stuck", stuck, s -> s.now().size())
                .description("Partitions and records that cannot move on until an operator fixes the cause")
                .register(registry);
        recordsRead = Counter.builder("prism.records.read")
                .description("Records read from Kafka, again after a rebalance or restart too").register(registry);
        recordsArchived = Counter.builder("prism.records.archived")
                .description("Records stored in S3").register(registry);
        filesWritten = Counter.builder("prism.files.written")
                .description("Archive files stored in S3").register(registry);
        bytesWritten = Counter.builder("prism.bytes.written")
                .description("Bytes of archive files stored in S3").register(registry);
        uploadFailures = Counter.builder("prism.upload.failures")
                .description("Failed upload attempts; each is retried").register(registry);
        routeFailures = Counter.builder("prism.route.failures")
                .description("Polls whose archive route failed; their partitions are read again").register(registry);
        restoredCopies = Counter.builder("prism.records.restored.copies")
                .description("Records restore produced back into their own topic and partition: already archived,"
                        + " not archived again").register(registry);
        commits = Counter.builder("prism.commits")
                .description("Commits of offsets Kafka acknowledged").register(registry);
        statesInline = commitStates("inline");
        statesInS3 = commitStates("s3");
        uploadLatency = Timer.builder("prism.upload.latency")
                .description("From a file being written to it being stored in S3, retries included")
                .register(registry);
        for (RejectReason reason : RejectReason.values()) {
            deadLettered.put(reason, Counter.builder("prism.records.dead.lettered").tag("reason", reason.code())
                    .description("Records sent to the dead-letter topic").register(registry));
        }
    }

    private Counter commitStates(String where) {
        return Counter.builder("prism.commit.states").tag("where", where)
                .description("Partitions' states committed with their offsets: inline, in the commit's metadata, or"
                        + " in an S3 object of their own (a PUT, and a DELETE once replaced)").register(registry);
    }

    /** Gauges of the batches in flight. */
    public void watch(DayBatches dayBatches) {
        Gauge.builder("prism.batches.open", dayBatches, DayBatches::openBatches)
                .description("Batches gathering records").register(registry);
        Gauge.builder("prism.batches.open.records", dayBatches, DayBatches::openRecords)
                .description("Records in open batches").register(registry);
        Gauge.builder("prism.batches.waiting", dayBatches, DayBatches::waitingUploads)
                .description("Finished batches waiting for their upload").register(registry);
        TimeGauge.builder("prism.batches.oldest.age", dayBatches, TimeUnit.MILLISECONDS, DayBatches::oldestAgeMillis)
                .description("Age of the oldest open batch").register(registry);
    }

    /**
     * 1 while every readiness check of {@code context} is up, as {@code /observe/health/ready} answers, else 0: the
     * pods are scraped whether ready or not (the Prometheus annotations of the StatefulSet), so an alert can see it.
     */
    public void watchReadiness(CamelContext context) {
        Gauge.builder("prism.ready", context, c -> HealthCheckHelper.invokeReadiness(c).stream()
                        .allMatch(result -> result.getState() == HealthCheck.State.UP) ? 1 : 0)
                .description("1 while this replica is ready, else 0").register(registry);
    }

    @Override
    public void polled(int records) {
        recordsRead.increment(records);
    }

    /**
     * One commit-lag gauge per partition, showing whichever ledger owns it now: with several consumers per replica a
     * partition can pass from one to another, and the new owner may be told before the old one lets go.
     */
    /** A poll held {@code count} records restored from the archive into their own partition: not archived again. */
    public void restoredCopies(int count) {
        restoredCopies.increment(count);
    }

    @Override
    public void routeFailed(PartitionLedger partition) {
        routeFailures.increment();
    }

    @Override
    public void stuck(TopicPartition partition, String why) {
        stuck.report(partition.toString(), why);
    }

    @Override
    public void movedOn(TopicPartition partition) {
        stuck.clear(partition.toString());
    }

    @Override
    public void committed(int states, int inS3) {
        commits.increment();
        statesInline.increment(states - inS3);
        statesInS3.increment(inS3);
    }

    @Override
    public void owned(PartitionLedger partition) {
        owned.compute(partition.partition(), (tp, current) -> {
            Owned now = current != null ? current : lagGauge(tp);
            now.ledger().set(partition);
            return now;
        });
    }

    private Owned lagGauge(TopicPartition tp) {
        AtomicReference<PartitionLedger> ledger = new AtomicReference<>();
        return new Owned(ledger, Gauge.builder("prism.commit.lag", ledger,
                        owner -> owner.get() == null ? 0 : owner.get().lag().lag())
                .tags("topic", tp.topic(), "partition", Integer.toString(tp.partition()))
                .description("Records read but not yet committed: how far the commit watermark trails")
                .register(registry));
    }

    @Override
    public void released(PartitionLedger partition) {
        owned.computeIfPresent(partition.partition(), (tp, current) -> {
            if (!current.ledger().compareAndSet(partition, null)) {
                return current;
            }
            registry.remove(current.gauge());
            return null;
        });
    }

    private record Owned(AtomicReference<PartitionLedger> ledger, Meter gauge) {
    }

    public void archived(int records, long fileBytes, Duration latency) {
        recordsArchived.increment(records);
        filesWritten.increment();
        bytesWritten.increment(fileBytes);
        uploadLatency.record(latency);
    }

    public void uploadFailed() {
        uploadFailures.increment();
    }

    @Override
    public void rejected(RejectReason reason) {
        deadLettered.get(reason).increment();
    }

    public long recordsArchived() {
        return (long) recordsArchived.count();
    }

    public long filesWritten() {
        return (long) filesWritten.count();
    }

    public long bytesWritten() {
        return (long) bytesWritten.count();
    }

    public long uploadFailures() {
        return (long) uploadFailures.count();
    }

    public long deadLettered(RejectReason reason) {
        return (long) deadLettered.get(reason).count();
    }
}
