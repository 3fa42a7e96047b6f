package com.prism.lts.observe;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.prism.lts.batch.DayBatches;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Says what a stop does, while it does it: what stopped the archiver (the signal, named as it was: Ctrl-C is SIGINT,
 * Kubernetes sends SIGTERM), how many batches are being written and committed and for how long at most, how it is
 * going every few seconds, and at the end, in a line that starts "Prism LTS stopped", how many batches were written
 * and how many were left for the next owner of their partitions, and why. Camel's own line, which calls every stop a
 * SIGTERM, is left out of the log ({@code log4j2.properties}). Lines logged after the context has stopped would be lost
 * to a JVM that a signal stops: the shutdown hook ends with the context.
 */
public final class StopReport extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(StopReport.class);
    private static final long PROGRESS_EVERY_SECONDS = 5;
    private static volatile String signal;

    private final CamelContext context;
    private final DayBatches batches;
    private final ArchiveMetrics metrics;
    private final FailedAttempt failures;
    private final Supplier<Optional<String>> s3Problem;
    private ScheduledExecutorService progress;
    private volatile String s3Said;
    private long stoppingSince;
    private long filesBefore;

    /** {@code s3Problem}: why the archive's bucket cannot be used now, if it cannot (asked while batches wait). */
    public StopReport(CamelContext context, DayBatches batches, ArchiveMetrics metrics, FailedAttempt failures,
            Supplier<Optional<String>> s3Problem) {
        this.context = context;
        this.batches = batches;
        this.metrics = metrics;
        this.failures = failures;
        this.s3Problem = s3Problem;
    }

    /**
     * Remembers which signal stops this JVM, for the stop to say it, then lets the JVM's own handler stop it as
     * before (exit code 130 for SIGINT, 143 for SIGTERM, after the shutdown hooks). A shutdown hook cannot tell what
     * started the shutdown; {@code sun.misc.Signal} (module jdk.unsupported, kept for this use) can, and javac warns.
     */
    public static void hearSignals() {
        for (String name : List.of("INT", "TERM")) {
            AtomicReference<SignalHandler> jvms = new AtomicReference<>();
            try {
                jvms.set(Signal.handle(new Signal(name), heard -> {
                    signal = "SIG" + heard.getName() + (heard.getName().equals("INT") ? " (Ctrl-C)" : "");
                    jvms.get().handle(heard);
                }));
            } catch (IllegalArgumentException ignoredByTheShell) {
                // a signal ignored when the JVM started (a background job's SIGINT) stays ignored, by the JVM too
            }
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent
                || event instanceof CamelEvent.CamelContextStoppedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.CamelContextStoppingEvent) {
            stopping();
        } else {
            stopped();
        }
    }

    private void stopping() {
        stoppingSince = System.nanoTime();
        filesBefore = metrics.filesWritten();
        String by = signal;
        LOG.info("Stopping{}: no more records are read; the {} open batches ({} records) and the {} waiting for S3 are"
                + " to be written and committed, for at most {} s (camel.main.shutdown-timeout)", by == null ? ""
                : " on " + by, batches.openBatches(), batches.openRecords(), batches.waitingUploads(),
                context.getShutdownStrategy().getTimeUnit().toSeconds(context.getShutdownStrategy().getTimeout()));
        progress = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "PrismStopReport");
            thread.setDaemon(true);
            return thread;
        });
        progress.scheduleAtFixedRate(this::stillStopping, PROGRESS_EVERY_SECONDS, PROGRESS_EVERY_SECONDS,
                TimeUnit.SECONDS);
    }

    private void stillStopping() {
        boolean first = s3Said == null;
        if (first && batches.waitingUploads() > 0) {
            s3Said = s3Problem.get().orElse("");
        }
        LOG.info("Still stopping after {} s: {} batches written, {} open or waiting for S3{}", seconds(),
                metrics.filesWritten() - filesBefore, left(), first ? why() : "");
    }

    private void stopped() {
        if (progress != null) {
            progress.shutdownNow();
        }
        long written = metrics.filesWritten() - filesBefore;
        int left = left();
        if (left == 0) {
            LOG.info("Prism LTS stopped after {} s: {} batches written and committed while stopping", seconds(),
                    written);
        } else {
            LOG.warn("Prism LTS stopped after {} s: {} batches written and committed while stopping; {} batches were not"
                    + " stored{}, so their records are not committed, and whoever owns their partitions next reads them"
                    + " again", seconds(), written, left, why());
        }
    }

    private int left() {
        return batches.openBatches() + batches.waitingUploads();
    }

    private String why() {
        Optional<String> failure = failures.lastUploadFailure().or(() -> Optional.ofNullable(s3Said)
                .filter(said -> !said.isEmpty()));
        return failure.map(cause -> " (" + cause + ")").orElse("");
    }

    private long seconds() {
        return (System.nanoTime() - stoppingSince) / 1_000_000_000;
    }
}
