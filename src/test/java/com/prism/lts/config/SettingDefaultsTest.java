package com.prism.lts.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

class SettingDefaultsTest {

    static final class Tool {
        @Option(names = "--bucket", descriptionKey = "prism.s3.bucket")
        String bucket;

        @Option(names = "--count", defaultValue = "7")
        int count;

        @Option(names = "--topic", descriptionKey = "prism.topics")
        String topic;
    }

    @Test
    void a_topic_option_takes_the_topic_listed_but_nothing_from_a_pattern() {
        Tool listed = new Tool();
        new CommandLine(listed).setDefaultValueProvider(new SettingDefaults(name -> Optional.ofNullable(Map.of(
                "prism.topics", "ac-user-event", "prism.topics.is-pattern", "false").get(name)))).parseArgs();
        Tool pattern = new Tool();
        new CommandLine(pattern).setDefaultValueProvider(new SettingDefaults(name -> Optional.ofNullable(Map.of(
                "prism.topics", "ac-.*", "prism.topics.is-pattern", "true").get(name)))).parseArgs();

        assertThat(listed.topic).isEqualTo("ac-user-event");
        assertThat(pattern.topic).isNull();
    }

    @Test
    void an_option_that_names_a_setting_defaults_to_it_and_the_others_keep_their_own_default() {
        Tool tool = new Tool();
        new CommandLine(tool).setDefaultValueProvider(new SettingDefaults(
                name -> Optional.ofNullable(Map.of("prism.s3.bucket", "archive").get(name)))).parseArgs();

        assertThat(tool.bucket).isEqualTo("archive");
        assertThat(tool.count).isEqualTo(7);
    }

    @Test
    void the_command_line_wins_over_the_setting() {
        Tool tool = new Tool();
        new CommandLine(tool).setDefaultValueProvider(new SettingDefaults(name -> Optional.of("archive")))
                .parseArgs("--bucket", "other");

        assertThat(tool.bucket).isEqualTo("other");
    }

    @Test
    void the_first_source_with_a_value_wins_and_blank_counts_as_unset() {
        assertThat(SettingDefaults.firstSet(null, " ", "local", "built-in")).contains("local");
        assertThat(SettingDefaults.firstSet(null, "")).isEmpty();
    }
}
