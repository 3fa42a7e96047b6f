package com.prism.lts.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;

import com.prism.lts.restore.PartitionRestore.ArchiveFile;
import org.junit.jupiter.api.Test;

/** The checkpoint of one source partition of a restore job: what it lets a later run skip, and what not. */
class SourceProgressTest {

    static final ArchiveFile A = file("a", 0);
    static final ArchiveFile B = file("b", 10);
    static final ArchiveFile C = file("c", 20);

    @Test
    void the_checkpoint_stops_at_a_record_kafka_did_not_acknowledge_however_many_after_it_were() {
        SourceProgress progress = new SourceProgress(List.of(A, C));
        for (long offset = 0; offset < 5; offset++) {
            progress.sending(offset, 1);
            progress.sent(offset);
        }
        progress.acknowledged(0, 100);
        progress.acknowledged(1, 101);
        // 2 refused for good; 3 and 4 acknowledged after it
        progress.acknowledged(3, 103);
        progress.acknowledged(4, 104);

        SourceProgress.Snapshot snapshot = progress.snapshot();

        assertThat(snapshot.encoded()).startsWith("2:1:");
        // the target's checkpoint stays below 3 and 4, so that the next start finds them there
        assertThat(snapshot.firstAhead()).hasValue(103);
        SourceProgress next = new SourceProgress(List.of(A, C));
        assertThat(next.load(snapshot.encoded())).isTrue();
        assertThat(next.produced("", 1, 0)).isTrue();
        assertThat(next.produced("", 2, 0)).isFalse();
    }

    @Test
    void a_file_below_the_checkpoint_that_was_not_listed_when_it_was_saved_makes_it_untrusted() {
        SourceProgress first = new SourceProgress(List.of(A, C));
        LongStream.range(0, 30).forEach(offset -> {
            first.sending(offset, 1);
            first.sent(offset);
            first.acknowledged(offset, 100 + offset);
        });
        String saved = first.snapshot().encoded();

        SourceProgress withLateFile = new SourceProgress(List.of(A, B, C));
        SourceProgress sameFiles = new SourceProgress(List.of(A, C));

        assertThat(withLateFile.load(saved)).isFalse();
        assertThat(withLateFile.produced("", 12, 0)).isFalse();
        assertThat(sameFiles.load(saved)).isTrue();
        assertThat(sameFiles.produced("", 29, 0)).isTrue();
        assertThat(sameFiles.produced("", 30, 0)).isFalse();
    }

    @Test
    void records_found_in_the_target_are_skipped_by_topic_id_and_by_how_many_were_found_at_an_offset() {
        SourceProgress progress = new SourceProgress(List.of(A));
        progress.found("", 7);
        progress.found("", 7);
        progress.found("topic-id", 8);

        assertThat(progress.produced("", 7, 0)).isTrue();
        assertThat(progress.produced("", 7, 1)).isTrue();
        assertThat(progress.produced("", 7, 2)).isFalse();
        assertThat(progress.produced("topic-id", 8, 0)).isTrue();
        assertThat(progress.produced("other-id", 8, 0)).isFalse();
        assertThat(progress.produced("", 8, 0)).isFalse();
        // until the run passed them, the target's checkpoint must let the next start find them again
        assertThat(progress.snapshot().holdsFound()).isTrue();
    }

    private static ArchiveFile file(String name, long firstOffset) {
        return new ArchiveFile("t/year=2018/month=01/day=01/t+0+" + name + ".avro", firstOffset, 100, "etag-" + name,
                Instant.EPOCH);
    }
}
