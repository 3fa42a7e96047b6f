package com.prism.lts.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.prism.lts.app.ArchiveApplication;
import com.prism.lts.batch.DayBatches;
import com.prism.lts.commit.ArchivingConsumerFactory;
import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.config.InvalidSettingsException;
import com.prism.lts.observe.ArchiveMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.util.ObjectHelper;

/** The archiver running in this JVM, with the shipped routes and settings but for the ones a test gives. */
public final class RunningArchive implements AutoCloseable {

    private final Main main;

    private RunningArchive(Main main) {
        this.main = main;
    }

    /** Starts the archiver; returns once its routes run. */
    public static RunningArchive start(Map<String, String> settings) {
        return start(settings, System.getenv());
    }

    /** Starts the archiver with {@code environment} for its environment variables. */
    public static RunningArchive start(Map<String, String> settings, Map<String, String> environment) {
        Main main = ArchiveApplication.create(new HashMap<>(settings), environment);
        try {
            main.start();
        } catch (Exception e) {
            InvalidSettingsException invalid = ObjectHelper.getException(InvalidSettingsException.class, e);
            throw new IllegalStateException("the archiver did not start" + (invalid != null ? ": "
                    + invalid.getMessage() : ""), e);
        }
        return new RunningArchive(main);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** Whether every route has started: routes that need S3 start only once S3 answers. */
    public boolean routesStarted() {
        return context().getRoutes().stream()
                .allMatch(route -> context().getRouteController().getRouteStatus(route.getId()).isStarted());
    }

    public ArchiveMetrics metrics() {
        return context().getRegistry().lookupByNameAndType("archiveMetrics", ArchiveMetrics.class);
    }

    /** How far each partition this replica owns has been read, held and committed. */
    public List<PartitionLedger.Lag> partitions() {
        return bean("archivingConsumers", ArchivingConsumerFactory.class).ledgers().stream()
                .map(PartitionLedger::lag).toList();
    }

    /**
     * Whether {@code records} records have been read in all and the route has dealt with every one of them: the
     * partitions hold no poll any more, only the first record of each open batch. The route takes a poll of records
     * at a time, and camel-kafka may keep a short poll for a moment before handing it on, so having read records is
     * not having routed them.
     */
    public boolean readAndRouted(long records) {
        List<PartitionLedger.Lag> partitions = partitions();
        return partitions.stream().mapToLong(PartitionLedger.Lag::next).sum() == records
                && partitions.stream().mapToInt(PartitionLedger.Lag::held).sum()
                        == bean("dayBatches", DayBatches.class).openBatches();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    /** A graceful stop, as on SIGTERM: open batches are written and committed. */
    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the archiver did not stop", e);
        }
    }
}
