package com.prism.lts.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaceTest {

    static final long MS = 1_000_000;

    @Test
    void no_rate_never_waits() {
        assertThat(new Pace(0, 0).waitNanos(1_000_000, 0)).isZero();
    }

    @Test
    void each_event_waits_for_its_slot_on_the_schedule() {
        Pace tenASecond = new Pace(10, 1_000 * MS);

        assertThat(tenASecond.waitNanos(0, 1_000 * MS)).isZero();
        assertThat(tenASecond.waitNanos(5, 1_000 * MS)).isEqualTo(500 * MS);
        assertThat(tenASecond.waitNanos(5, 1_300 * MS)).isEqualTo(200 * MS);
    }

    @Test
    void a_sender_that_fell_behind_does_not_wait_until_it_caught_up() {
        Pace tenASecond = new Pace(10, 0);

        assertThat(tenASecond.waitNanos(5, 2_000 * MS)).isZero();
        assertThat(tenASecond.waitNanos(20, 2_000 * MS)).isZero();
        assertThat(tenASecond.waitNanos(21, 2_000 * MS)).isEqualTo(100 * MS);
    }
}
