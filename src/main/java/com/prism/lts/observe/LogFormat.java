package com.prism.lts.observe;

import java.util.Locale;

import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.SettingDefaults;

/**
 * Chooses text or JSON log lines ({@code prism.log.format}) before the first line is logged: Log4j reads its
 * configuration once, when the first logger is made, and {@code log4j2.properties} picks its appender by the system
 * property {@value #APPENDER} (a name of its own, so that the settings logged at start do not show the setting as a
 * system property nobody set). A wrong value leaves text, and the settings check names it.
 */
public final class LogFormat {

    public static final String SETTING = "prism.log.format";
    static final String APPENDER = "prism-lts.log.appender";

    private LogFormat() {
    }

    /** Call first thing in {@code main}. */
    public static void choose() {
        new SettingDefaults().value(SETTING).map(value -> value.toLowerCase(Locale.ROOT))
                .filter(ArchiveSettings.LOG_FORMATS::contains)
                .ifPresent(format -> System.setProperty(APPENDER, format));
    }
}
