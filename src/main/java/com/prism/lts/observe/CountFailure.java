package com.prism.lts.observe;

import com.prism.lts.write.AvroBatchWriter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Called by the error handler on every failed attempt, before it retries: counts failed uploads. */
public final class CountFailure implements Processor {

    private final ArchiveMetrics metrics;

    public CountFailure(ArchiveMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        if (exchange.getProperty(AvroBatchWriter.BATCH) != null) {
            metrics.uploadFailed();
        }
    }
}
