package com.prism.lts.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The state committed with each offset reads back as it was written, and stays small. */
class CommitStateTest {

    private static final long COMMITTED = 1_234_567_890L;

    @Test
    void a_state_reads_back_as_written_relative_to_its_committed_offset() {
        CommitState state = new CommitState(-7, new TreeMap<>(Map.of(
                new StreamKey(LocalDate.of(2018, 1, 4), "1"), List.of(new CommitState.Cut(COMMITTED + 3, true),
                        new CommitState.Cut(COMMITTED + 250, false)),
                new StreamKey(LocalDate.of(1970, 1, 1), "schema-x"), List.of(new CommitState.Cut(COMMITTED, false)),
                new StreamKey(LocalDate.of(2018, 1, 4), "22"), List.of(new CommitState.Cut(COMMITTED + 9, true)))),
                new TreeSet<>(List.of(COMMITTED + 1, COMMITTED + 2, COMMITTED + 3, COMMITTED + 70)));

        assertThat(CommitState.fromText(state.toText(COMMITTED), COMMITTED)).isEqualTo(state);
        assertThat(CommitState.decode(state.encode(COMMITTED), COMMITTED)).isEqualTo(state);
    }

    @Test
    void thirty_open_days_with_a_file_each_fit_in_a_few_hundred_characters() {
        TreeMap<StreamKey, List<CommitState.Cut>> cuts = new TreeMap<>();
        IntStream.range(0, 30).forEach(day -> cuts.put(new StreamKey(LocalDate.of(2018, 1, 1).plusDays(day), "1"),
                List.of(new CommitState.Cut(COMMITTED + 200 + 37L * day, day % 2 == 0))));

        String text = new CommitState(1, cuts, new TreeSet<>()).toText(COMMITTED);

        assertThat(text.length()).isLessThan(300);
        assertThat(CommitState.fromText(text, COMMITTED).cuts()).isEqualTo(cuts);
    }

    @Test
    void a_state_that_is_not_one_is_refused_with_a_reason() {
        assertThatThrownBy(() -> CommitState.fromText("bm90IGEgc3RhdGU", COMMITTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read");
    }
}
