package com.prism.lts.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.prism.lts.testing.ArchiveContents.Archived;
import com.prism.lts.testing.Produced;
import com.prism.lts.testing.Reconciliation;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The archive of a topic deleted and created again under the same name, compared with what was produced to each of
 * its two incarnations: the records of each must be in the files that name its topic id ({@code prism.topic.id}),
 * once. The only other copies allowed are records of the new topic that a replica read in the moment before it saw
 * the topic change (the ledger checks the topic's id about once a second), archived under the earlier topic's id as
 * well: they are counted apart, as {@code readInDetectionWindow}.
 *
 * @param reconciliation         both incarnations, each against its own files; files naming neither id are misplaced
 * @param readInDetectionWindow  records of the new topic also in files that name the earlier one
 */
record TopicIncarnations(Reconciliation reconciliation, int readInDetectionWindow) {

    /** What was produced to one incarnation of the topic, known by its id. */
    record Incarnation(String topicId, List<Produced> produced) {
    }

    /**
     * @param deadLetters the dead-letter topic, whose headers name no topic id: compared with the current incarnation
     * @param identity    what tells the events apart, as {@link Produced#id()} names them
     */
    static TopicIncarnations of(Incarnation earlier, Incarnation current, List<Archived> archive,
            List<ConsumerRecord<byte[], byte[]>> deadLetters, Function<GenericRecord, String> identity) {
        Map<String, Produced> before = byPlace(earlier.produced());
        Map<String, Produced> now = byPlace(current.produced());
        List<Archived> ofEarlier = new ArrayList<>();
        List<Archived> ofCurrent = new ArrayList<>();
        List<String> ofNeither = new ArrayList<>();
        Set<String> identicalSeen = new HashSet<>();
        int window = 0;
        for (Archived record : archive) {
            String place = record.partition() + "/" + record.offset();
            String id = identity.apply(record.event());
            if (current.topicId().equals(record.topicId())) {
                ofCurrent.add(record);
            } else if (!earlier.topicId().equals(record.topicId())) {
                ofNeither.add(record.key() + " names topic id " + record.topicId() + ", neither incarnation's");
            } else if (now.containsKey(place) && now.get(place).id().equals(id) && (!before.containsKey(place)
                    || !before.get(place).id().equals(id) || !identicalSeen.add(place))) {
                // the new topic's record, under the earlier id: a correction, a record past the earlier topic's end,
                // or the second copy of a record sent identically to both
                window++;
            } else {
                ofEarlier.add(record);
            }
        }
        Reconciliation both = Reconciliation.of(earlier.produced(), ofEarlier, List.of(), identity)
                .plus(Reconciliation.of(current.produced(), ofCurrent, deadLetters, identity))
                .plus(new Reconciliation(0, 0, 0, List.of(), Map.of(), Map.of(), ofNeither));
        return new TopicIncarnations(both, window);
    }

    private static Map<String, Produced> byPlace(List<Produced> produced) {
        Map<String, Produced> byPlace = new HashMap<>();
        produced.forEach(p -> byPlace.put(p.partition() + "/" + p.offset(), p));
        return byPlace;
    }
}
