package com.prism.lts.security;

import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;

/**
 * Says in one sentence why Kafka did not let a client in, in Prism's words and naming the settings that fix it:
 * a wrong password, a broker certificate no trusted CA signed, an expired certificate, a missing client certificate.
 * Never a secret: the Kafka client's messages hold none, and nothing of the client's properties but names is said.
 */
public final class KafkaFailures {

    private KafkaFailures() {
    }

    /** Whether {@code failure} is Kafka refusing this client, rather than not answering. */
    public static boolean isRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param servers the bootstrap servers
     * @param client  the client's properties, for what it was given (never said)
     * @param shownAs names a setting as the user gave it
     */
    public static String describe(Throwable failure, String servers, Map<String, ?> client,
            Function<String, String> shownAs) {
        String kafka = "Kafka at " + servers;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                boolean ownCertificate = client.containsKey(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG)
                        || client.containsKey(SslConfigs.SSL_KEYSTORE_KEY_CONFIG);
                return TlsFailures.describe(t, kafka, "prism.kafka.ssl.", ownCertificate, shownAs)
                        .orElse(kafka + " refused the TLS handshake: " + message(t));
            }
            if (t instanceof UnsupportedSaslMechanismException) {
                return kafka + " does not take SASL mechanism " + client.get(SaslConfigs.SASL_MECHANISM) + " ("
                        + message(t) + "): check " + shownAs.apply("prism.kafka.sasl.mechanism");
            }
            if (t instanceof AuthenticationException) {
                Object mechanism = client.get(SaslConfigs.SASL_MECHANISM);
                if ("AWS_MSK_IAM".equals(mechanism)) {
                    return kafka + " refused the AWS identity this client signs with (" + message(t) + "): check"
                            + " the AWS credentials in force (IRSA role, AWS_* variables, profile) and the cluster's"
                            + " IAM policy";
                }
                return kafka + " refused the user name or password (SASL " + mechanism + "): check "
                        + shownAs.apply("prism.kafka.sasl.username") + " and "
                        + shownAs.apply("prism.kafka.sasl.password");
            }
        }
        if (failure instanceof TimeoutException) {
            return "Kafka did not answer at " + servers + " in time: a server accepts connections there, but no Kafka"
                    + " broker answered (check " + shownAs.apply("prism.kafka.bootstrap-servers") + ", and that its"
                    + " listener speaks " + (client.get("security.protocol") == null ? "PLAINTEXT"
                            : client.get("security.protocol")) + ", "
                    + shownAs.apply("prism.kafka.security.protocol") + ")";
        }
        return kafka + " refused: " + message(failure);
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().lines().findFirst().orElse("");
    }
}
