package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The state committed with each offset reads back as it was written, and stays small. */
class CommitStateTest {

    private static final long COMMITTED = 1_234_567_890L;
    private static final Uuid TOPIC_ID = Uuid.fromString("q5Xe6CXvSKSmW8GkpQ6ARw");

    @Test
    void a_state_reads_back_as_written_relative_to_its_committed_offset() {
        CommitState state = new CommitState(-7, TOPIC_ID, null, new TreeMap<>(Map.of(
                new StreamKey(LocalDate.of(2018, 1, 4), "1"), List.of(new CommitState.Cut(COMMITTED - 5,
                        COMMITTED + 3, true), new CommitState.Cut(COMMITTED + 4, COMMITTED + 250, false)),
                new StreamKey(LocalDate.of(1970, 1, 1), "schema-x"), List.of(new CommitState.Cut(COMMITTED,
                        COMMITTED, false)),
                new StreamKey(LocalDate.of(2018, 1, 4), "22"), List.of(new CommitState.Cut(COMMITTED + 2,
                        COMMITTED + 9, true), new CommitState.Cut(COMMITTED + 1, COMMITTED + 12, false)))),
                new TreeSet<>(List.of(COMMITTED + 1, COMMITTED + 2, COMMITTED + 3, COMMITTED + 70)));

        assertThat(CommitState.fromText(state.toText(COMMITTED), COMMITTED)).isEqualTo(state);
        assertThat(CommitState.decode(state.encode(COMMITTED), COMMITTED)).isEqualTo(state);
        CommitState withoutId = new CommitState(3, null, null, state.cuts(), state.deadLettered());
        assertThat(CommitState.decode(withoutId.encode(COMMITTED), COMMITTED)).isEqualTo(withoutId);
    }

    @Test
    void thirty_open_days_with_a_file_each_fit_in_a_few_hundred_characters() {
        TreeMap<StreamKey, List<CommitState.Cut>> cuts = new TreeMap<>();
        IntStream.range(0, 30).forEach(day -> cuts.put(new StreamKey(LocalDate.of(2018, 1, 1).plusDays(day), "1"),
                List.of(new CommitState.Cut(COMMITTED + 7L * day, COMMITTED + 200 + 37L * day, day % 2 == 0))));

        String text = new CommitState(1, TOPIC_ID, null, cuts, new TreeSet<>()).toText(COMMITTED);

        assertThat(text.length()).isLessThan(400);
        assertThat(CommitState.fromText(text, COMMITTED).cuts()).isEqualTo(cuts);
    }

    @Test
    void a_state_of_version_1_reads_each_file_as_beginning_after_the_one_before_it() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        out.writeInt(1);
        out.writeFixed(new byte[] {0, 0, 0, 9});
        out.writeArrayStart();
        out.setItemCount(1);
        out.startItem();
        out.writeString("1");
        out.writeArrayEnd();
        out.writeArrayStart();
        out.setItemCount(1);
        out.startItem();
        out.writeLong(LocalDate.of(2018, 1, 4).toEpochDay());
        out.writeInt(0);
        out.writeArrayStart();
        out.setItemCount(2);
        out.startItem();
        out.writeLong(3 << 1 | 1);
        out.startItem();
        out.writeLong(10 << 1);
        out.writeArrayEnd();
        out.writeArrayEnd();
        out.writeArrayStart();
        out.setItemCount(0);
        out.writeArrayEnd();
        out.flush();

        CommitState state = CommitState.fromText(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(bytes.toByteArray()), 100);

        assertThat(state.settingsHash()).isEqualTo(9);
        assertThat(state.topicId()).isNull();
        assertThat(state.cuts()).containsExactly(Map.entry(new StreamKey(LocalDate.of(2018, 1, 4), "1"),
                List.of(new CommitState.Cut(100, 103, true), new CommitState.Cut(104, 113, false))));
    }

    @Test
    void a_state_that_is_not_one_is_refused_with_a_reason() {
        assertThatThrownBy(() -> CommitState.fromText("bm90IGEgc3RhdGU", COMMITTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read");
    }
}
