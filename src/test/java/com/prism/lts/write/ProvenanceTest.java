package com.prism.lts.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class ProvenanceTest {

    @Test
    void offsets_with_gaps_read_back_exactly() {
        long[] offsets = {42, 43, 44, 50, 51, 1_000_000, 1_000_001};

        assertThat(Provenance.decode(Provenance.encode(offsets, offsets.length))).containsExactly(offsets);
    }

    @Test
    void timestamps_that_go_backwards_read_back_exactly() {
        long[] timestamps = {1_515_024_000_000L, 1_515_023_999_000L, 1_515_030_000_000L, 0L, 1_515_024_000_001L};

        assertThat(Provenance.decode(Provenance.encode(timestamps, timestamps.length))).containsExactly(timestamps);
    }

    @Test
    void gaps_as_large_as_a_long_allows_read_back_exactly() {
        long[] extremes = {0, Long.MAX_VALUE, Long.MIN_VALUE, -1, Long.MAX_VALUE, 0, Long.MIN_VALUE};

        assertThat(Provenance.decode(Provenance.encode(extremes, extremes.length))).containsExactly(extremes);
    }

    @Test
    void consecutive_offsets_cost_one_byte_each_after_the_first() {
        long[] offsets = LongStream.range(1_000_000_000L, 1_000_000_250L).toArray();

        byte[] encoded = Provenance.encode(offsets, offsets.length);

        assertThat(encoded).hasSize(5 + 249);
        assertThat(Provenance.decode(encoded)).containsExactly(offsets);
    }

    @Test
    void only_the_first_count_values_are_encoded() {
        long[] buffer = {7, 8, 9, 0, 0, 0};

        assertThat(Provenance.decode(Provenance.encode(buffer, 3))).containsExactly(7, 8, 9);
    }

    @Test
    void no_values_encode_to_no_bytes_and_back() {
        assertThat(Provenance.encode(new long[0], 0)).isEmpty();
        assertThat(Provenance.decode(new byte[0])).isEmpty();
    }

    @Test
    void values_cut_in_the_middle_of_a_number_are_refused() {
        byte[] encoded = Provenance.encode(new long[] {42, 1_000_000}, 2);
        byte[] cut = Arrays.copyOf(encoded, encoded.length - 1);

        assertThatThrownBy(() -> Provenance.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    }
}
