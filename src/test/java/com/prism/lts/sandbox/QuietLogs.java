package com.prism.lts.sandbox;

import java.util.HashMap;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Keeps logs to warnings while the sandbox runs, so that its own progress stays readable; anything that goes wrong
 * still shows, and so does each reload of a route file. The broker's warnings are left out too: a single node started afresh warns of what is normal for it.
 */
final class QuietLogs implements AutoCloseable {

    private static final Map<String, Level> QUIET = Map.of(
            LogManager.ROOT_LOGGER_NAME, Level.WARN,
            "com.prism.lts.archived", Level.WARN,
            RouteFolderReload.class.getName(), Level.INFO,
            "kafka", Level.ERROR,
            "org.apache.kafka", Level.ERROR);

    private final Map<String, Level> before;

    private QuietLogs(Map<String, Level> before) {
        this.before = before;
    }

    static QuietLogs start() {
        Map<String, Level> before = new HashMap<>();
        QUIET.keySet().forEach(name -> before.put(name, LogManager.getLogger(name).getLevel()));
        Configurator.setLevel(QUIET);
        return new QuietLogs(before);
    }

    @Override
    public void close() {
        Configurator.setLevel(before);
    }
}
