package com.prism.lts.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.prism.lts.deadletter.DeadLetters;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What was produced compared with what the archive and the dead-letter topic hold, event by event: each record is
 * known by its partition and offset, and checked against the id it was sent with.
 *
 * @param lost           produced but neither archived nor dead-lettered
 * @param archivedTwice  archived more than once, with how many times
 * @param deadLetteredTwice dead-lettered more than once (allowed after a crash, each copy names its source offset)
 * @param misplaced      archived under an offset that held another record, or dead-lettered without being bad
 */
public record Reconciliation(int produced, int archived, int deadLettered, List<Produced> lost,
        Map<Produced, Integer> archivedTwice, Map<Produced, Integer> deadLetteredTwice, List<String> misplaced) {

    /** The events are told apart by their {@code event_id}. */
    public static Reconciliation of(List<Produced> produced, ArchiveContents archive,
            List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        return of(produced, archive.records(), deadLetters, event -> event.get("event_id").toString());
    }

    /**
     * {@code archive}: the archived records to compare (those of one topic incarnation, say); {@code identity}: what
     * tells the events apart, as {@link Produced#id()} names them.
     */
    public static Reconciliation of(List<Produced> produced, List<ArchiveContents.Archived> archive,
            List<ConsumerRecord<byte[], byte[]>> deadLetters, Function<GenericRecord, String> identity) {
        Map<String, Produced> byPlace = produced.stream().collect(Collectors.toMap(Reconciliation::place,
                Function.identity()));
        Map<Produced, Integer> archived = new HashMap<>();
        Map<Produced, Integer> deadLettered = new HashMap<>();
        List<String> misplaced = new ArrayList<>();
        for (ArchiveContents.Archived record : archive) {
            Produced sent = byPlace.get(record.partition() + "/" + record.offset());
            String id = identity.apply(record.event());
            if (sent == null || !sent.id().equals(id)) {
                misplaced.add(record.key() + " holds " + id + " as partition " + record.partition() + " offset "
                        + record.offset());
            } else {
                archived.merge(sent, 1, Integer::sum);
            }
        }
        for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
            String place = header(record, DeadLetters.SOURCE_PARTITION) + "/" + header(record, DeadLetters.SOURCE_OFFSET);
            Produced sent = byPlace.get(place);
            if (sent == null || !sent.bad()) {
                misplaced.add("the dead-letter topic holds partition/offset " + place + ", which is no bad record");
            } else {
                deadLettered.merge(sent, 1, Integer::sum);
            }
        }
        List<Produced> lost = produced.stream()
                .filter(p -> !archived.containsKey(p) && !deadLettered.containsKey(p)).toList();
        return new Reconciliation(produced.size(), archived.values().stream().mapToInt(Integer::intValue).sum(),
                deadLettered.values().stream().mapToInt(Integer::intValue).sum(), lost, twice(archived),
                twice(deadLettered), misplaced);
    }

    /** Both together: the records of two topic incarnations, each reconciled with its own files. */
    public Reconciliation plus(Reconciliation other) {
        List<Produced> allLost = new ArrayList<>(lost);
        allLost.addAll(other.lost);
        Map<Produced, Integer> allTwice = new HashMap<>(archivedTwice);
        other.archivedTwice.forEach((p, n) -> allTwice.merge(p, n, Integer::sum));
        Map<Produced, Integer> allDeadLetteredTwice = new HashMap<>(deadLetteredTwice);
        other.deadLetteredTwice.forEach((p, n) -> allDeadLetteredTwice.merge(p, n, Integer::sum));
        List<String> allMisplaced = new ArrayList<>(misplaced);
        allMisplaced.addAll(other.misplaced);
        return new Reconciliation(produced + other.produced, archived + other.archived,
                deadLettered + other.deadLettered, allLost, allTwice, allDeadLetteredTwice, allMisplaced);
    }

    private static String place(Produced produced) {
        return produced.partition() + "/" + produced.offset();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return record.headers().lastHeader(name) == null ? "?" : new String(record.headers().lastHeader(name).value());
    }

    private static Map<Produced, Integer> twice(Map<Produced, Integer> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Records archived beyond the first copy. */
    public int duplicated() {
        return archivedTwice.values().stream().mapToInt(count -> count - 1).sum();
    }

    /** Dead letters beyond the first copy. */
    public int deadLettersDuplicated() {
        return deadLetteredTwice.values().stream().mapToInt(count -> count - 1).sum();
    }

    /** Whether every record is in the archive or the dead-letter topic, and none is where it does not belong. */
    public boolean nothingLost() {
        return lost.isEmpty() && misplaced.isEmpty();
    }

    /** Whether every record is in the archive or the dead-letter topic, and no archived record is there twice. */
    public boolean exactlyOnce() {
        return nothingLost() && archivedTwice.isEmpty();
    }

    @Override
    public String toString() {
        return String.format("%,d produced: %,d archived, %,d dead-lettered; %,d lost, %,d archived twice or more"
                + " (%,d extra copies), %,d extra dead letters, %,d misplaced%s", produced, archived, deadLettered,
                lost.size(), archivedTwice.size(), duplicated(), deadLettersDuplicated(), misplaced.size(),
                examples());
    }

    private String examples() {
        List<String> examples = new ArrayList<>();
        lost.stream().limit(3).forEach(p -> examples.add("lost " + p.where()));
        archivedTwice.keySet().stream().limit(3).forEach(p -> examples.add("twice " + p.where()));
        misplaced.stream().limit(3).forEach(examples::add);
        return examples.isEmpty() ? "" : "; e.g. " + String.join("; ", examples);
    }
}
