package com.prism.lts.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchiveKeyTest {

    private static final LocalDate JAN_4 = LocalDate.of(2018, 1, 4);

    @Test
    void a_key_is_prefix_topic_hive_style_day_folders_and_topic_partition_and_ten_digit_start_offset() {
        assertThat(ArchiveKey.of("topics", "ac-user-event", JAN_4, 0, 42).toString())
                .isEqualTo("topics/ac-user-event/year=2018/month=01/day=04/ac-user-event+0+0000000042.avro");
    }

    @Test
    void an_empty_prefix_puts_the_topic_at_the_top_of_the_bucket() {
        assertThat(ArchiveKey.of("", "ac-user-event", JAN_4, 3, 0).toString())
                .isEqualTo("ac-user-event/year=2018/month=01/day=04/ac-user-event+3+0000000000.avro");
    }

    @Test
    void the_last_day_of_2018_is_filed_under_2018_not_under_its_week_year() {
        assertThat(ArchiveKey.dayFolder("topics", "ac-user-event", LocalDate.of(2018, 12, 31)))
                .isEqualTo("topics/ac-user-event/year=2018/month=12/day=31/");
    }

    @Test
    void an_offset_longer_than_ten_digits_is_written_in_full() {
        assertThat(ArchiveKey.of("topics", "ac-user-event", JAN_4, 0, 12_345_678_901L).toString())
                .endsWith("/ac-user-event+0+12345678901.avro");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "topics", "archive/prism/v1"})
    void a_key_reads_back_as_the_same_key(String prefix) {
        ArchiveKey key = ArchiveKey.of(prefix, "ac.user_event-2", LocalDate.of(987, 11, 30), 12, 9_876_543_210L);

        assertThat(ArchiveKey.parse(key.toString())).contains(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "README.md",
        "topics/ac-user-event/",
        "topics/ac-user-event/year=2018/month=01/day=04/ac-user-event+0+0000000042.avro.tmp",
        "topics/ac-user-event/year=2018/month=01/day=04/other-topic+0+0000000042.avro",
        "topics/ac-user-event/2018/01/04/ac-user-event+0+0000000042.avro",
        "topics/ac-user-event/year=18/month=01/day=04/ac-user-event+0+0000000042.avro",
        "topics/ac-user-event/year=2018/month=13/day=04/ac-user-event+0+0000000042.avro",
        "topics/ac-user-event/year=2018/month=02/day=30/ac-user-event+0+0000000042.avro",
        "topics/ac-user-event/year=2018/month=01/day=04/ac-user-event+99999999999+0000000042.avro",
        "topics/ac-user-event/year=2018/month=01/day=04/ac-user-event+0+99999999999999999999.avro"})
    void a_key_that_is_not_an_archive_file_reads_back_as_nothing(String key) {
        assertThat(ArchiveKey.parse(key)).isEmpty();
    }
}
