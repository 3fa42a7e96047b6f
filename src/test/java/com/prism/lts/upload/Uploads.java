package com.prism.lts.upload;

import java.io.IOException;

import com.prism.lts.batch.ArchiveBatch;
import com.prism.lts.write.ArchiveKey;
import com.prism.lts.write.AvroBatchWriter;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/** Exchanges as the upload route hands them to S3, built without the route. */
final class Uploads {

    private Uploads() {
    }

    /** The upload of {@code batch}'s file under {@code prefix}: the batch, its key and its file, deflated. */
    static Exchange of(ArchiveBatch batch, String prefix) throws IOException {
        ArchiveKey key = ArchiveKey.of(prefix, batch.topic(), batch.day(), batch.partition(), batch.firstOffset());
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(BatchUploaded.BATCH, batch);
        exchange.getMessage().setHeader(AWS2S3Constants.KEY, key.toString());
        exchange.getMessage().setBody(new AvroBatchWriter("deflate").write(batch, key));
        return exchange;
    }
}
