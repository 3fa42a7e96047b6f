package com.prism.lts.observe;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import com.prism.lts.deadletter.DeadLetters;
import com.prism.lts.deadletter.RejectReason;

/** What the archive has done since it started: the numbers behind the metrics endpoint and the logs. */
public final class ArchiveMetrics implements DeadLetters.RejectionCounter {

    private final LongAdder recordsArchived = new LongAdder();
    private final LongAdder filesWritten = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder uploadFailures = new LongAdder();
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);

    public ArchiveMetrics() {
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, new LongAdder());
        }
    }

    public void archived(int records, long fileBytes) {
        recordsArchived.add(records);
        filesWritten.increment();
        bytesWritten.add(fileBytes);
    }

    public void uploadFailed() {
        uploadFailures.increment();
    }

    @Override
    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    public long recordsArchived() {
        return recordsArchived.sum();
    }

    public long filesWritten() {
        return filesWritten.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    public long uploadFailures() {
        return uploadFailures.sum();
    }

    public long deadLettered(RejectReason reason) {
        return rejected.get(reason).sum();
    }
}
