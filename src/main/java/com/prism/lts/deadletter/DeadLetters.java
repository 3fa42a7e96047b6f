package com.prism.lts.deadletter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import com.prism.lts.commit.Poll;
import com.prism.lts.commit.PolledRecord;
import com.prism.lts.observe.Stuck;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.ExpressionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that can never be archived go to a dead-letter topic, with their original key, value and headers, and
 * headers that say why and where they came from. Their offset counts as safe once the dead-letter write is
 * acknowledged.
 */
public final class DeadLetters {

    /**
     * Exchange property holding the {@link RecordRejectedException} of a record that cannot be archived; on its way
     * to the dead-letter route, a header of the record's message.
     */
    public static final String REJECTION = "PrismRejection";

    public static final String REASON = "prism.dlq.reason";
    public static final String DETAIL = "prism.dlq.detail";
    public static final String SOURCE_TOPIC = "prism.dlq.source.topic";
    public static final String SOURCE_PARTITION = "prism.dlq.source.partition";
    public static final String SOURCE_OFFSET = "prism.dlq.source.offset";
    public static final String SOURCE_TIMESTAMP = "prism.dlq.source.timestamp";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final UnaryOperator<String> topicFor;
    private final RejectionCounter counter;
    private final Stuck stuck;

    /** Counts dead-lettered records by reason. */
    public interface RejectionCounter {
        void rejected(RejectReason reason);
    }

    /** @param stuck told when a dead letter the topic refused for good is taken at last */
    public DeadLetters(UnaryOperator<String> topicFor, RejectionCounter counter, Stuck stuck) {
        this.topicFor = topicFor;
        this.counter = counter;
        this.stuck = stuck;
    }

    /** How a dead letter the dead-letter topic refuses for good is named while it holds its partition. */
    public static String stuckName(Exchange exchange) {
        Message message = exchange.getMessage();
        return "the dead letter of " + message.getHeader(KafkaConstants.TOPIC) + "-"
                + message.getHeader(KafkaConstants.PARTITION) + " offset " + message.getHeader(KafkaConstants.OFFSET);
    }

    public static void reject(Exchange exchange, RecordRejectedException rejection) {
        exchange.setProperty(REJECTION, rejection);
    }

    public static boolean isRejected(Exchange exchange) {
        return exchange.getProperty(REJECTION) != null;
    }

    /**
     * The records of a poll that go to the dead-letter topic, as the route's split gives them to the dead-letter
     * route: each one's own message (its value, key and headers as Kafka delivered them), with its rejection.
     */
    public static Expression rejectedRecords() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange poll) {
                List<Message> rejected = new ArrayList<>();
                for (Exchange record : Poll.records(poll)) {
                    if (!record.isRouteStop() && isRejected(record)) {
                        Message message = record.getMessage();
                        message.setHeader(REJECTION, record.getProperty(REJECTION));
                        rejected.add(message);
                    }
                }
                return rejected;
            }
        };
    }

    /** Addresses the record to its dead-letter topic, with the reason and its origin in headers. */
    public void prepare(Exchange exchange) {
        Message message = exchange.getMessage();
        // not a header of the dead letter: the reason goes in prism.dlq.reason and prism.dlq.detail
        RecordRejectedException rejection = (RecordRejectedException) message.removeHeader(REJECTION);
        exchange.setProperty(REJECTION, rejection);
        String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
        Integer partition = message.getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = message.getHeader(KafkaConstants.OFFSET, Long.class);
        Long timestamp = message.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        String deadLetterTopic = topicFor.apply(topic);
        LOG.warn("Sending {}-{} offset {} to {}: {} ({})", topic, partition, offset, deadLetterTopic,
                rejection.getMessage(), rejection.reason().code());
        message.setHeader(KafkaConstants.OVERRIDE_TOPIC, deadLetterTopic);
        message.setHeader(REASON, rejection.reason().code());
        message.setHeader(DETAIL, rejection.getMessage());
        message.setHeader(SOURCE_TOPIC, topic);
        message.setHeader(SOURCE_PARTITION, String.valueOf(partition));
        message.setHeader(SOURCE_OFFSET, String.valueOf(offset));
        message.setHeader(SOURCE_TIMESTAMP, String.valueOf(timestamp));
    }

    /**
     * The dead-letter topic acknowledged the record: its offset is safe, and the partition's next owner, should it
     * read the record again, is told not to send it a second time.
     */
    public void delivered(Exchange exchange) {
        RecordRejectedException rejection = exchange.getProperty(REJECTION, RecordRejectedException.class);
        PolledRecord polled = PolledRecord.of(exchange);
        polled.ledger().deadLettered(polled.offset());
        counter.rejected(rejection.reason());
        stuck.clear(stuckName(exchange));
    }
}
