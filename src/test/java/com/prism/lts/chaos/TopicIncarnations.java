package com.prism.lts.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.prism.lts.testing.ArchiveContents.Archived;
import com.prism.lts.testing.Produced;
import com.prism.lts.testing.Reconciliation;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The archive of a topic deleted and created again under the same name, compared with what was produced to each of
 * its two incarnations: the records of each must be in the files that name its topic id ({@code prism.topic.id}),
 * once. A record of the new topic in a file of the earlier id (read before the change was seen) is one archived twice,
 * or one the earlier topic never had; a file naming neither id is misplaced.
 */
final class TopicIncarnations {

    private TopicIncarnations() {
    }

    /** What was produced to one incarnation of the topic, known by its id. */
    record Incarnation(String topicId, List<Produced> produced) {
    }

    /**
     * @param deadLetters the dead-letter topic, whose headers name no topic id: compared with the current incarnation
     * @param identity    what tells the events apart, as {@link Produced#id()} names them
     */
    static Reconciliation of(Incarnation earlier, Incarnation current, List<Archived> archive,
            List<ConsumerRecord<byte[], byte[]>> deadLetters, Function<GenericRecord, String> identity) {
        List<Archived> ofEarlier = new ArrayList<>();
        List<Archived> ofCurrent = new ArrayList<>();
        List<String> ofNeither = new ArrayList<>();
        for (Archived record : archive) {
            if (current.topicId().equals(record.topicId())) {
                ofCurrent.add(record);
            } else if (earlier.topicId().equals(record.topicId())) {
                ofEarlier.add(record);
            } else {
                ofNeither.add(record.key() + " names topic id " + record.topicId() + ", neither incarnation's");
            }
        }
        return Reconciliation.of(earlier.produced(), ofEarlier, List.of(), identity)
                .plus(Reconciliation.of(current.produced(), ofCurrent, deadLetters, identity))
                .plus(new Reconciliation(0, 0, 0, List.of(), Map.of(), Map.of(), ofNeither));
    }

}
