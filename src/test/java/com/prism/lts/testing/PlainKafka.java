package com.prism.lts.testing;

import com.prism.lts.config.SettingDefaults;
import com.prism.lts.demo.KafkaTarget;
import com.prism.lts.security.KafkaClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A tool's connection to a test broker without client security, as a tool with no security option makes it. */
public final class PlainKafka {

    private PlainKafka() {
    }

    public static KafkaTarget connect(String bootstrapServers) {
        Tool tool = new Tool();
        new CommandLine(tool).parseArgs();
        return KafkaTarget.connect(bootstrapServers, tool.kafka);
    }

    @Command(name = "tool", defaultValueProvider = SettingDefaults.class)
    static final class Tool {
        @Mixin
        KafkaClientOptions kafka;
    }
}
