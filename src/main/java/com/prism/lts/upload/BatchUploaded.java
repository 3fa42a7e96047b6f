package com.prism.lts.upload;

import java.time.Duration;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.batch.DayBatches;
import com.prism.lts.observe.ArchiveMetrics;
import com.prism.lts.write.AvroFileFormat;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The route's last step: the batch's file is in S3, so its records are safe and its offsets may be committed. */
public final class BatchUploaded implements Processor {

    /**
     * Exchange property holding the batch once its file has replaced it as the body: set by the upload route, read by
     * its steps after the upload.
     */
    public static final String BATCH = "PrismBatch";

    private static final Logger LOG = LoggerFactory.getLogger("com.prism.lts.archived");

    private final String bucket;
    private final DayBatches dayBatches;
    private final ArchiveMetrics metrics;

    public BatchUploaded(String bucket, DayBatches dayBatches, ArchiveMetrics metrics) {
        this.bucket = bucket;
        this.dayBatches = dayBatches;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        ArchiveBatch batch = exchange.getProperty(BATCH, ArchiveBatch.class);
        batch.ledger().uploaded(batch.firstOffset(), batch.cut());
        dayBatches.noLongerWaiting();
        long fileBytes = exchange.getMessage().getHeader(AWS2S3Constants.CONTENT_LENGTH, 0L, Long.class);
        metrics.archived(batch.size(), fileBytes, Duration.ofNanos(
                System.nanoTime() - exchange.getProperty(AvroFileFormat.WRITTEN_AT, Long.class)));
        LOG.info("Archived s3://{}/{}: {} records, offsets {} to {} of {}-{}, {} bytes", bucket,
                exchange.getMessage().getHeader(AWS2S3Constants.KEY), batch.size(), batch.firstOffset(),
                batch.lastOffset(), batch.topic(), batch.partition(), fileBytes);
    }
}
