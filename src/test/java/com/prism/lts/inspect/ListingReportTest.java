package com.prism.lts.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import com.prism.lts.write.ArchiveKey;
import org.junit.jupiter.api.Test;

class ListingReportTest {

    static final LocalDate JAN_1 = LocalDate.of(2018, 1, 1);
    static final LocalDate JAN_2 = LocalDate.of(2018, 1, 2);

    static ArchiveFileEntry file(String topic, LocalDate day, int partition, long offset, long bytes,
            OptionalLong records) {
        ArchiveKey key = ArchiveKey.of("topics", topic, day, partition, offset);
        return new ArchiveFileEntry(key.toString(), key, bytes, records);
    }

    static final Listing LISTING = new Listing(List.of(
            file("a-topic", JAN_1, 0, 0, 1_000, OptionalLong.of(250)),
            file("a-topic", JAN_1, 1, 0, 2_000, OptionalLong.of(1_250)),
            file("a-topic", JAN_2, 0, 250, 500, OptionalLong.empty()),
            file("b-topic", JAN_2, 0, 0, 300, OptionalLong.of(3))), List.of("topics/README.txt"));

    @Test
    void days_totals_each_day_of_each_topic_then_all_its_days() {
        assertThat(DayTotal.of(LISTING.files())).containsExactly(
                new DayTotal("a-topic", Optional.of(JAN_1), 2, 1_500, 3_000, 0),
                new DayTotal("a-topic", Optional.of(JAN_2), 1, 0, 500, 1),
                new DayTotal("a-topic", Optional.empty(), 3, 1_500, 3_500, 1),
                new DayTotal("b-topic", Optional.of(JAN_2), 1, 3, 300, 0),
                new DayTotal("b-topic", Optional.empty(), 1, 3, 300, 0));
    }

    @Test
    void the_day_table_aligns_text_left_and_numbers_right_and_notes_what_it_could_not_count() {
        assertThat(ListingReport.days(LISTING)).containsExactly(
                "topic    day         files  records  bytes",
                "a-topic  2018-01-01      2    1,500  3,000",
                "a-topic  2018-01-02      1        0    500",
                "a-topic  all days        3    1,500  3,500",
                "b-topic  2018-01-02      1        3    300",
                "b-topic  all days        1        3    300",
                "Records not counted: 1 of these files have no record-count in their S3 metadata.",
                "Left out, not archive files: 1 object, topics/README.txt.");
    }

    @Test
    void the_file_table_names_each_file_by_its_key() {
        assertThat(ListingReport.files(new Listing(LISTING.files().subList(2, 4), List.of()))).containsExactly(
                "file                                                                records  bytes",
                "topics/a-topic/year=2018/month=01/day=02/a-topic+0+0000000250.avro        ?    500",
                "topics/b-topic/year=2018/month=01/day=02/b-topic+0+0000000000.avro        3    300",
                "Records not counted: 1 of these files have no record-count in their S3 metadata.");
    }
}
