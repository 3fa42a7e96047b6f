package com.prism.lts.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.camel.main.MainHelper;
import org.apache.camel.util.StringHelper;

/**
 * The naming rule between settings and environment variables: upper case, every {@code .} and {@code -} an
 * {@code _}, a camelCase word split ({@code prism.s3.access-key} is {@code PRISM_S3_ACCESS_KEY},
 * {@code camel.metrics.enableExchangeEventNotifier} is {@code CAMEL_METRICS_ENABLE_EXCHANGE_EVENT_NOTIFIER}).
 * <p>
 * An environment variable cannot tell a dot from a dash, so the way back needs to know the names:
 * <ul>
 * <li>a setting of {@code application.properties}, or of a topic {@code prism.topics} lists
 * ({@code prism.topic.<topic>.flush.size}...), is found by its environment name; one that two topics' settings share
 * (topics whose names differ only in {@code .}, {@code -} and {@code _}) names neither;</li>
 * <li>{@code PRISM_DECODER_CONFIG_X_Y} is the decoder's {@code prism.decoder.config.x.y} (Kafka's names use dots);</li>
 * <li>{@code CAMEL_COMPONENT_<COMPONENT>_<OPTION>} (and {@code DATAFORMAT}, {@code LANGUAGE}) is the option of a
 * component named in Camel's catalog, so {@code CAMEL_COMPONENT_KAFKA_SESSION_TIMEOUT_MS} is
 * {@code camel.component.kafka.session-timeout-ms};</li>
 * <li>any other {@code CAMEL_<GROUP>_<OPTION>} is {@code camel.<group>.<option>} with dashes
 * ({@code CAMEL_MAIN_SHUTDOWN_TIMEOUT}); Camel matches option names without regard to case or dashes.</li>
 * </ul>
 * Camel 4.18 has a rule of its own, but it never applies {@code CAMEL_COMPONENT_*}, skips every name ending in
 * {@code _PORT} (as if it were a Kubernetes service link) and turns dashes into dots: this one replaces it.
 */
public final class EnvironmentVariables {

    private static final String DECODER_CONFIG = "prism.decoder.config.";
    /** Kubernetes sets these for every service in the namespace, e.g. PRISM_LTS_PORT=tcp://10.0.0.1:9876. */
    private static final Pattern SERVICE_LINK = Pattern.compile(".*_SERVICE_(HOST|PORT).*|.*_PORT(_\\d+_[A-Z]+.*)?");

    private EnvironmentVariables() {
    }

    /** The environment variable that overrides a setting. */
    public static String name(String setting) {
        return StringHelper.camelCaseToDash(setting).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The settings that the {@code PRISM_*} and {@code CAMEL_*} variables of {@code environment} give;
     * {@code known} are the settings of {@code application.properties} and of the topics listed.
     */
    public static Translation settings(Map<String, String> environment, Set<String> known) {
        Map<String, List<String>> byName = known.stream().sorted().collect(Collectors.groupingBy(
                EnvironmentVariables::name));
        Properties settings = new Properties();
        Set<String> ignored = new TreeSet<>();
        Map<String, List<String>> ambiguous = new TreeMap<>();
        Map<String, String> camelExtensions = new HashMap<>();
        environment.forEach((variable, value) -> {
            String upper = variable.toUpperCase(Locale.ROOT);
            if (!upper.startsWith("PRISM_") && !upper.startsWith("CAMEL_")) {
                return;
            }
            List<String> named = byName.get(upper);
            if (named != null && named.size() > 1) {
                ambiguous.put(variable, named);
            } else if (named != null) {
                settings.setProperty(named.get(0), value);
            } else if (SERVICE_LINK.matcher(upper).matches()) {
                return;
            } else if (upper.startsWith("PRISM_DECODER_CONFIG_")) {
                settings.setProperty(DECODER_CONFIG + lower(upper, "PRISM_DECODER_CONFIG_").replace('_', '.'), value);
            } else if (upper.matches("CAMEL_(COMPONENT|DATAFORMAT|LANGUAGE)_.+")) {
                camelExtensions.put(upper, value);
            } else if (upper.matches("CAMEL_[A-Z0-9]+_.+")) {
                String group = upper.substring("CAMEL_".length(), upper.indexOf('_', "CAMEL_".length()));
                settings.setProperty("camel." + group.toLowerCase(Locale.ROOT) + "."
                        + lower(upper, "CAMEL_" + group + "_").replace('_', '-'), value);
            } else {
                ignored.add(variable);
            }
        });
        MainHelper camel = new MainHelper();
        camel.addComponentEnvVariables(camelExtensions, settings, false);
        camel.addDataFormatEnvVariables(camelExtensions, settings, false);
        camel.addLanguageEnvVariables(camelExtensions, settings, false);
        ignored.addAll(camelExtensions.keySet());
        return new Translation(settings, ignored, ambiguous);
    }

    private static String lower(String variable, String prefix) {
        return variable.substring(prefix.length()).toLowerCase(Locale.ROOT);
    }

    /**
     * What the variables set, the {@code PRISM_*} and {@code CAMEL_*} variables that name no setting, and those that
     * name several, with the settings each could be.
     */
    public record Translation(Properties settings, Set<String> ignored, Map<String, List<String>> ambiguous) {
    }
}
