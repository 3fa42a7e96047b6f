package com.prism.lts.batch;

import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.processor.aggregate.MemoryAggregationRepository;

/**
 * The aggregator's open batches, kept in memory as by default, but for one rule: when the aggregator completes every
 * group at once (a graceful stop, or the route being suspended), a batch gathering again a file its partition's
 * previous owner cut is not among them. It must end exactly where that file ended; should the application stop first,
 * its records are left uncommitted for the partition's next owner, and after a suspension it carries on.
 */
public final class DayBatchRepository extends MemoryAggregationRepository {

    @Override
    public Set<String> getKeys() {
        return super.getKeys().stream().filter(key -> !ArchiveRecord.isCutAgain(key)).collect(Collectors.toSet());
    }
}
