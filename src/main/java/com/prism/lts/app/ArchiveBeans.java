package com.prism.lts.app;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;

import com.prism.lts.batch.DayBatchRepository;
import com.prism.lts.batch.DayBatches;
import com.prism.lts.batch.DaySlices;
import com.prism.lts.batch.SkipArchived;
import com.prism.lts.commit.ArchivingConsumerFactory;
import com.prism.lts.commit.CommitMetadata;
import com.prism.lts.commit.Poll;
import com.prism.lts.commit.PollFailures;
import com.prism.lts.commit.PolledRecords;
import com.prism.lts.commit.S3StateObjects;
import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.InvalidSettingsException;
import com.prism.lts.day.ChooseDay;
import com.prism.lts.day.MetricDate;
import com.prism.lts.day.MetricDates;
import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.decode.ConfluentAvroDecoder;
import com.prism.lts.decode.DecodeEvent;
import com.prism.lts.decode.DirectorySchemaSource;
import com.prism.lts.decode.EventDecoder;
import com.prism.lts.decode.KafkaDeserializerDecoder;
import com.prism.lts.decode.RegistrySchemaSource;
import com.prism.lts.decode.SchemaSource;
import com.prism.lts.observe.ArchiveMetrics;
import com.prism.lts.observe.FailedAttempt;
import com.prism.lts.observe.KafkaReachability;
import com.prism.lts.observe.KafkaReadiness;
import com.prism.lts.observe.ManagementPort;
import com.prism.lts.observe.RoutesLiveness;
import com.prism.lts.observe.S3Credentials;
import com.prism.lts.observe.S3Readiness;
import com.prism.lts.observe.Stuck;
import com.prism.lts.observe.StopReport;
import com.prism.lts.upload.AwaitCommit;
import com.prism.lts.upload.BatchUploaded;
import com.prism.lts.upload.BucketCheck;
import com.prism.lts.upload.ExistingArchiveFile;
import com.prism.lts.upload.S3ArchiveStore;
import com.prism.lts.upload.S3Clients;
import com.prism.lts.upload.StorageOptions;
import com.prism.lts.write.ArchiveKeyExpression;
import com.prism.lts.write.AvroBatchWriter;
import com.prism.lts.write.AvroFileFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads the settings and binds the beans the routes refer to by name. A route in {@code routes/} may use any of them:
 * {@code archivingConsumers}, {@code polledRecords}, {@code pollFailures}, {@code decodeEvent}, {@code chooseDay}, {@code skipArchived},
 * {@code deadLetters}, {@code rejectedRecords}, {@code daySlices}, {@code dayBatches}, {@code dayBatchesController},
 * {@code dayBatchRepository}, {@code makeRoom}, {@code batchFull}, {@code batchTimeout}, {@code releasePoll},
 * {@code uploadThreads}, {@code awaitCommit}, {@code archiveKey} (the expression of a batch's
 * S3 key), {@code avroFile} (the data format of archive files), {@code archiveS3}, {@code archiveFileUploads} (the S3
 * client that stores archive files as {@code prism.s3.storage-class} and the other storage settings say),
 * {@code batchUploaded}, {@code existingArchiveFile} and {@code failedAttempt}; and the health checks
 * {@code kafkaReadiness}, {@code s3Readiness}, {@code stuck} and {@code routesLiveness}.
 */
public final class ArchiveBeans implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveBeans.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        SettingsInForce.log(properties);
        ArchiveSettings settings = ArchiveSettings.from(properties::resolveProperty,
                properties.loadProperties(name -> name.startsWith("prism.")).stringPropertyNames());
        ManagementPort.requireFree(properties::resolveProperty);
        Registry registry = context.getRegistry();
        // every Kafka client of the routes (the archive's consumers, the dead-letter producer) and the reachability
        // checks take the component's options: the security settings go there, over any camel.component.kafka.* one
        context.getComponent("kafka", KafkaComponent.class).getConfiguration().getAdditionalProperties()
                .putAll(settings.kafkaSecurity().clientProperties());

        Stuck stuck = new Stuck();
        registry.bind("stuck", stuck);
        ArchiveMetrics metrics = new ArchiveMetrics(meterRegistry(registry), stuck);
        MetricDates metricDates = new MetricDates(topic -> new MetricDate(settings.topic(topic).metricDateField(),
                settings.topic(topic).metricDateZone()));
        DayBatches dayBatches = new DayBatches(topic -> settings.topic(topic).flushSize(), settings.quietMs(),
                settings.maxAgeMs(), settings.maxOpenBatches(), settings.maxBufferedBytes());
        metrics.watch(dayBatches);
        metrics.watchReadiness(context);
        S3Client s3 = S3Clients.create(settings);
        context.addService(new Closing(s3));
        // without credentials nothing can be checked; saying "S3 cannot be reached" would send users the wrong way
        S3Credentials.missing(s3).ifPresentOrElse(
                missing -> LOG.warn("Cannot store anything: {}; uploads are retried until there are some", missing),
                () -> BucketCheck.check(s3, settings.bucket()));
        StorageOptions storage = new StorageOptions(settings.storageClass(), settings.serverSideEncryption(),
                settings.kmsKeyId(), settings.tags());
        S3Client fileUploads = S3Clients.create(settings, storage);
        context.addService(new Closing(fileUploads));
        ArchivingConsumerFactory consumers = new ArchivingConsumerFactory(
                new CommitMetadata(new S3StateObjects(s3, settings.bucket(), settings.retry(),
                        storage.inStandardClass()::applyTo), settings.prefix(), settings.groupId()),
                dayBatches, metrics, settings::decisionHash, settings::subscription, settings.maxWaitingUploads(),
                settings.commitIntervalMs(), settings.retry());
        settings.topicPattern().ifPresent(pattern -> LOG.info("Archiving every topic whose name matches {}, new ones"
                + " as they appear, but dead-letter topics ({})", pattern, settings.deadLetterTopic("{topic}")));
        AvroBatchWriter writer = new AvroBatchWriter(settings.codec());

        registry.bind("archiveSettings", settings);
        registry.bind("archiveMetrics", metrics);
        registry.bind("archivingConsumers", consumers);
        registry.bind("polledRecords", new PolledRecords());
        registry.bind("pollFailures", new PollFailures(metrics));
        registry.bind("decodeEvent", new DecodeEvent(decoder(settings, metricDates, context), settings.retry()));
        registry.bind("chooseDay", new ChooseDay(metricDates));
        registry.bind("skipArchived", new SkipArchived(metrics::restoredCopies));
        registry.bind("deadLetters", new DeadLetters(settings::deadLetterTopic, metrics, stuck));
        registry.bind("dayBatches", dayBatches);
        registry.bind("dayBatchesController", dayBatches.controller());
        registry.bind("dayBatchRepository", new DayBatchRepository());
        // Steps every poll or slice takes, bound as Processors, Predicates and Expressions: a bean: or method: call
        // would bind parameters by reflection each time (measured by the benchmark, docs/performance.md)
        registry.bind("rejectedRecords", DeadLetters.rejectedRecords());
        registry.bind("daySlices", new DaySlices(dayBatches));
        registry.bind("makeRoom", (Processor) dayBatches::makeRoom);
        registry.bind("batchFull", dayBatches.full());
        registry.bind("batchTimeout", dayBatches.timeout());
        registry.bind("releasePoll", Poll.release());
        ExecutorService uploadThreads = uploadThreads(context, settings.uploadConcurrency());
        registry.bind("uploadThreads", uploadThreads);
        // once the routes have stopped, a batch still waiting for the upload route (S3 never answered) waits no more:
        // left alone, Camel would wait another 10 s before interrupting it, after the stop had been reported done
        context.addService(new Closing(() -> context.getExecutorServiceManager().shutdownNow(uploadThreads)));
        registry.bind("awaitCommit", new AwaitCommit(dayBatches, uploadThreads));
        registry.bind("archiveKey", new ArchiveKeyExpression(settings.prefix()));
        registry.bind("avroFile", new AvroFileFormat(writer));
        registry.bind("archiveS3", s3);
        registry.bind("archiveFileUploads", fileUploads);
        registry.bind("batchUploaded", new BatchUploaded(settings.bucket(), dayBatches, metrics));
        FailedAttempt failedAttempt = new FailedAttempt(metrics, settings.bucket(), stuck);
        registry.bind("failedAttempt", failedAttempt);
        KafkaReachability reachability = new KafkaReachability(settings.bootstrapServers(),
                Duration.ofMillis(settings.kafkaCheckIntervalMs()),
                Duration.ofMillis(settings.kafkaUnreachableLogIntervalMs()), Clock.systemUTC());
        context.addService(reachability);
        reachability.start();
        registry.bind("kafkaReadiness", new KafkaReadiness(consumers::joined, reachability));
        S3Readiness s3Readiness = new S3Readiness(s3, settings.bucket());
        registry.bind("s3Readiness", s3Readiness);
        context.getManagementStrategy().addEventNotifier(new StopReport(context, dayBatches, metrics, failedAttempt,
                s3Readiness::problem));
        registry.bind("routesLiveness", new RoutesLiveness());
        registry.bind("existingArchiveFile", new ExistingArchiveFile(new S3ArchiveStore(s3, settings.bucket(), storage),
                settings.bucket(), writer, settings.retry(), stuck));
    }

    /**
     * The registry Camel's metrics use too ({@code camel.metrics.enabled}), so that ours are served beside them at
     * {@code /observe/metrics}.
     */
    private static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry existing = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (existing != null) {
            return existing;
        }
        PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, created);
        return created;
    }

    private static EventDecoder decoder(ArchiveSettings settings, MetricDates metricDates, CamelContext context) {
        if (ArchiveSettings.CONFLUENT_DECODER.equals(settings.decoder())) {
            SchemaSource schemas = settings.registryUrl().<SchemaSource>map(url -> registry(url, settings))
                    .orElseGet(() -> new DirectorySchemaSource(settings.schemaDirectory().orElseThrow()));
            return new ConfluentAvroDecoder(schemas, metricDates);
        }
        Deserializer<?> deserializer;
        try {
            deserializer = (Deserializer<?>) context.getClassResolver().resolveMandatoryClass(settings.decoder())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new InvalidSettingsException(List.of("prism.decoder must be 'confluent' or the class name"
                    + " of a Kafka Deserializer with a public no-argument constructor, but is '" + settings.decoder()
                    + "': " + e));
        }
        deserializer.configure(new HashMap<>(settings.decoderConfig()), false);
        return new KafkaDeserializerDecoder(deserializer);
    }

    /** The registry, once it has let the archiver in: refused credentials or certificates stop the start. */
    private static RegistrySchemaSource registry(URI url, ArchiveSettings settings) {
        RegistrySchemaSource registry = new RegistrySchemaSource(url, settings.registryAccess());
        registry.refusal().ifPresent(refusal -> {
            throw new InvalidSettingsException(List.of(refusal));
        });
        return registry;
    }

    /**
     * The threads that write and upload finished batches. Finished batches queue for them rather than run on the
     * thread that finished them (Camel's default when its pool is busy): that is the consumer's thread, or the
     * aggregator's timeout checker holding the aggregator's lock, and an upload waits for the consumer's next commit.
     * Fetching pauses while {@code prism.upload.max-waiting} batches wait, which bounds the queue.
     */
    private static ExecutorService uploadThreads(CamelContext context, int concurrency) {
        ThreadPoolProfile profile = new ThreadPoolProfile("PrismUpload");
        profile.setPoolSize(concurrency);
        profile.setMaxPoolSize(concurrency);
        profile.setMaxQueueSize(Integer.MAX_VALUE);
        return context.getExecutorServiceManager().newThreadPool(ArchiveBeans.class, "PrismUpload", profile);
    }

    /** Closes a client when the Camel context stops. */
    private static final class Closing extends ServiceSupport {
        private final AutoCloseable closeable;

        Closing(AutoCloseable closeable) {
            this.closeable = closeable;
        }

        @Override
        protected void doStop() throws Exception {
            closeable.close();
        }
    }
}
