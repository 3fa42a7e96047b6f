package com.prism.lts.testing;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The lines one logger of this JVM writes while the capture is open, as "LEVEL message". */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        super("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY);
        this.logger = logger;
    }

    public static LogCapture of(Class<?> loggerOf) {
        return capture((Logger) LogManager.getLogger(loggerOf));
    }

    /** The lines of the logger of a class the test cannot name (one its package keeps to itself). */
    public static LogCapture of(String loggerName) {
        return capture((Logger) LogManager.getLogger(loggerName));
    }

    /** Every line of every logger of this JVM, with the messages of any exception logged with it. */
    public static LogCapture all() {
        return capture((Logger) LogManager.getRootLogger());
    }

    private static LogCapture capture(Logger logger) {
        LogCapture capture = new LogCapture(logger);
        capture.start();
        capture.logger.addAppender(capture);
        // the logger's lines still go where they went before too
        capture.logger.setAdditive(true);
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        String line = event.getLevel() + " " + event.getMessage().getFormattedMessage();
        StringBuilder thrown = new StringBuilder();
        for (Throwable t = event.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            thrown.append(thrown.isEmpty() ? " [with a stack trace] " : "; ").append(t);
        }
        lines.add(line + thrown);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        stop();
    }
}
