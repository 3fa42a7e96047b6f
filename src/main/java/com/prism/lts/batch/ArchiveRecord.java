package com.prism.lts.batch;

import java.time.LocalDate;

import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.StreamKey;
import com.prism.lts.decode.DecodedEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One decoded event with its day and the Kafka record it came from, on its way into a day batch.
 *
 * @param kafka       the record as Kafka delivered it: coordinates, timestamp, key bytes and headers, all of which
 *                    the archive file keeps
 * @param ledger      the ledger of the assignment the record was read in
 * @param previousCut where the partition's previous owner ended the file this record belongs to, if it did
 */
public record ArchiveRecord(ConsumerRecord<?, ?> kafka, LocalDate day, DecodedEvent event, PartitionLedger ledger,
        PartitionLedger.Cut previousCut) {

    public ArchiveRecord {
        if (kafka.key() != null && !(kafka.key() instanceof byte[])) {
            // The archive keeps key bytes as Kafka stored them; any other deserializer would lose them
            throw new IllegalStateException("the Kafka record's key is a " + kafka.key().getClass().getName()
                    + ", not bytes: the archive route's kafka endpoint must read keys with ByteArrayDeserializer");
        }
    }

    public String topic() {
        return kafka.topic();
    }

    public int partition() {
        return kafka.partition();
    }

    public long offset() {
        return kafka.offset();
    }

    public long timestamp() {
        return kafka.timestamp();
    }

    /** The key bytes, null for a record without a key. */
    public byte[] key() {
        return (byte[]) kafka.key();
    }

    private static final String AGAIN = "/again-";

    public StreamKey stream() {
        return new StreamKey(day, event.schemaId());
    }

    /** The same record, to be filed in the file its partition's previous owner ended at {@code cut}. */
    public ArchiveRecord cutAt(PartitionLedger.Cut cut) {
        return new ArchiveRecord(kafka, day, event, ledger, cut);
    }

    /**
     * The batch this record belongs to. A file never mixes topics, partitions, days or writer schemas; the
     * partition's assignment epoch keeps records read again after a rebalance out of batches opened before it; a
     * file its previous owner cut is gathered apart from the one that follows it.
     */
    public String batchKey() {
        String key = topic() + '/' + partition() + '/' + ledger.epoch() + '/' + day + '/' + event.schemaId();
        // by the first offset of the previous owner's file, which never changes (its end may: PartitionLedger)
        return previousCut == null ? key : key + AGAIN + previousCut.first();
    }

    /** Whether {@code batchKey} is that of a batch gathering again a file its partition's previous owner cut. */
    public static boolean isCutAgain(String batchKey) {
        return batchKey.contains(AGAIN);
    }
}
