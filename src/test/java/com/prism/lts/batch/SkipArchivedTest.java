package com.prism.lts.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import com.prism.lts.commit.PartitionLedger;
import com.prism.lts.commit.PolledRecord;
import com.prism.lts.commit.TestLedgers;
import com.prism.lts.demo.DemoEvents;
import com.prism.lts.restore.RestoreHeaders;
import com.prism.lts.testing.Events;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * camel-kafka may still hold records of a partition when the partition is given up: they reach the route after the
 * partition's ledger has been retired, and are left for the partition's next owner, which reads them again.
 */
class SkipArchivedTest {

    private static final LocalDate JAN_4 = LocalDate.of(2018, 1, 4);

    private final CamelContext camel = new DefaultCamelContext();
    private final DemoEvents demo = new DemoEvents(JAN_4, 1, 1);

    @Test
    void records_of_a_partition_given_up_go_no_further_and_those_of_a_partition_still_owned_do() {
        PartitionLedger owned = TestLedgers.assigned("ac-user-event", 0);
        PartitionLedger givenUp = TestLedgers.givenUp("ac-user-event", 1);
        Exchange poll = poll(record(owned, 0, 7), record(givenUp, 1, 8), record(owned, 0, 8));

        new SkipArchived(copies -> { }).process(poll);

        assertThat(poll.getMessage().getBody(List.class)).extracting(record -> ((Exchange) record).isRouteStop())
                .containsExactly(false, true, false);
    }

    @Test
    void a_record_restored_into_its_own_partition_is_not_archived_again_and_one_restored_elsewhere_is() {
        PartitionLedger owned = TestLedgers.assigned("ac-user-event", 0);
        Exchange ownCopy = record(owned, 0, 7);
        restoredFrom(ownCopy, "ac-user-event", 0);
        Exchange fromElsewhere = record(owned, 0, 8);
        restoredFrom(fromElsewhere, "ac-user-event", 3);
        Exchange poll = poll(ownCopy, fromElsewhere, record(owned, 0, 9));
        List<Integer> counted = new ArrayList<>();

        new SkipArchived(counted::add).process(poll);

        assertThat(poll.getMessage().getBody(List.class)).extracting(record -> ((Exchange) record).isRouteStop())
                .containsExactly(true, false, false);
        assertThat(counted).containsExactly(1);
    }

    private static void restoredFrom(Exchange record, String topic, int partition) {
        ConsumerRecord<?, ?> kafka = PolledRecord.of(record).record();
        kafka.headers().add(RestoreHeaders.SOURCE_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        kafka.headers().add(RestoreHeaders.SOURCE_PARTITION, Integer.toString(partition)
                .getBytes(StandardCharsets.UTF_8));
        kafka.headers().add(RestoreHeaders.SOURCE_OFFSET, "42".getBytes(StandardCharsets.UTF_8));
    }

    private Exchange record(PartitionLedger ledger, int partition, long offset) {
        ConsumerRecord<byte[], byte[]> kafka = Events.polled("ac-user-event", partition, offset, 0);
        Exchange record = new DefaultExchange(camel);
        record.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, TestLedgers.polled(kafka, ledger));
        record.getMessage().setBody(new ArchiveRecord(kafka, JAN_4,
                Events.decoded(Events.DEMO_SCHEMA_ID, demo.event(offset)), ledger, null));
        return record;
    }

    private Exchange poll(Exchange... records) {
        Exchange poll = new DefaultExchange(camel);
        poll.getMessage().setBody(new ArrayList<>(List.of(records)));
        return poll;
    }
}
