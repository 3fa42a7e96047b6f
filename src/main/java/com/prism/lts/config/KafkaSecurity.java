package com.prism.lts.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How every Kafka client of Prism LTS proves who it is and whom it trusts ({@code prism.kafka.security.protocol},
 * {@code prism.kafka.sasl.*}, {@code prism.kafka.ssl.*}): the archiver's consumers, its dead-letter producer and its
 * reachability checks, and the tools. Read once, given to each client as the Kafka client's own properties.
 */
public record KafkaSecurity(
        String protocol,
        Optional<String> saslMechanism,
        Optional<String> saslUsername,
        Optional<String> saslPassword,
        Optional<String> awsRoleArn,
        TlsSettings tls) {

    public static final String PLAINTEXT = "PLAINTEXT";
    public static final List<String> PROTOCOLS = List.of(PLAINTEXT, "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    public static final String MSK_IAM = "AWS_MSK_IAM";
    public static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", MSK_IAM);
    /** Amazon MSK's IAM login module and callback handler (software.amazon.msk:aws-msk-iam-auth), as AWS documents. */
    public static final String MSK_IAM_LOGIN_MODULE = "software.amazon.msk.auth.iam.IAMLoginModule";
    public static final String MSK_IAM_CALLBACK_HANDLER = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";
    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");
    private static final Set<String> WITH_TLS = Set.of("SSL", "SASL_SSL");

    /**
     * Reads the Kafka security settings alone, as the tools do; {@code lookup} answers a setting's name with its
     * value, if it has one, and {@code shownAs} names a setting in messages as the user gave it (an option).
     */
    public static KafkaSecurity from(Function<String, Optional<String>> lookup, Function<String, String> shownAs) {
        return ArchiveSettings.Reader.readAlone(lookup, shownAs, KafkaSecurity::read);
    }

    static KafkaSecurity read(ArchiveSettings.Reader r) {
        KafkaSecurity security = new KafkaSecurity(
                r.upperOneOf("prism.kafka.security.protocol", PROTOCOLS),
                r.optional("prism.kafka.sasl.mechanism").map(v -> r.upperOneOf("prism.kafka.sasl.mechanism", MECHANISMS)),
                r.optional("prism.kafka.sasl.username"),
                r.optional("prism.kafka.sasl.password"),
                r.optional("prism.kafka.sasl.aws-role-arn"),
                TlsSettings.read(r, "prism.kafka.ssl."));
        security.crossCheck(r);
        return security;
    }

    private void crossCheck(ArchiveSettings.Reader r) {
        boolean sasl = protocol.startsWith("SASL_");
        if (sasl && saslMechanism.isEmpty()) {
            r.problem("prism.kafka.sasl.mechanism", "must be set with prism.kafka.security.protocol=" + protocol
                    + ": one of " + String.join(", ", MECHANISMS));
        }
        if (!sasl && saslMechanism.isPresent()) {
            r.problem("prism.kafka.sasl.mechanism", "is set, but " + r.shown("prism.kafka.security.protocol") + " is "
                    + protocol + ": use SASL_SSL (or SASL_PLAINTEXT)");
        }
        boolean iam = saslMechanism.filter(MSK_IAM::equals).isPresent();
        if (saslMechanism.isPresent() && !iam && (saslUsername.isEmpty() || saslPassword.isEmpty())) {
            r.problem("prism.kafka.sasl.username", "and " + r.shown("prism.kafka.sasl.password") + " must be set for"
                    + " SASL " + saslMechanism.get());
        }
        if (iam && (saslUsername.isPresent() || saslPassword.isPresent())) {
            r.problem("prism.kafka.sasl.username", "and " + r.shown("prism.kafka.sasl.password") + " must not be set"
                    + " with AWS_MSK_IAM, which signs with the AWS credentials in force");
        }
        if (iam && !"SASL_SSL".equals(protocol)) {
            r.problem("prism.kafka.security.protocol", "must be SASL_SSL with AWS_MSK_IAM");
        }
        if (awsRoleArn.isPresent() && !iam) {
            r.problem("prism.kafka.sasl.aws-role-arn", "is only for prism.kafka.sasl.mechanism=AWS_MSK_IAM");
        }
        if (!tls.isEmpty() && !WITH_TLS.contains(protocol)) {
            r.problem("prism.kafka.security.protocol", "is " + protocol + ", but TLS files are set (" + r.shown(
                    "prism.kafka.ssl.*") + "): use SSL or SASL_SSL");
        }
    }

    /** The Kafka client properties of these settings; none with PLAINTEXT, Kafka's default. */
    public Map<String, String> clientProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (PLAINTEXT.equals(protocol)) {
            return properties;
        }
        properties.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        saslMechanism.ifPresent(mechanism -> {
            properties.put(SaslConfigs.SASL_MECHANISM, mechanism);
            if (MSK_IAM.equals(mechanism)) {
                properties.put(SaslConfigs.SASL_JAAS_CONFIG, MSK_IAM_LOGIN_MODULE + " required"
                        + awsRoleArn.map(arn -> " awsRoleArn=" + quoted(arn)).orElse("") + ";");
                properties.put(SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, MSK_IAM_CALLBACK_HANDLER);
            } else {
                properties.put(SaslConfigs.SASL_JAAS_CONFIG, LOGIN_MODULES.get(mechanism) + " required username="
                        + quoted(saslUsername.orElseThrow()) + " password=" + quoted(saslPassword.orElseThrow())
                        + ";");
            }
        });
        properties.putAll(tls.kafkaProperties());
        return properties;
    }

    /** A JAAS option value: quoted, with the quote and the backslash escaped as the JAAS parser reads them. */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
