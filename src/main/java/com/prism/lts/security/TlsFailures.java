package com.prism.lts.security;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import javax.net.ssl.SSLException;

/**
 * Says in one sentence why a TLS handshake failed, naming the settings that fix it: the JDK's words ("PKIX path
 * building failed", "Received fatal alert: certificate_required") send users to search engines. Kafka and the schema
 * registry name their settings alike, under a prefix ({@code prism.kafka.ssl.}).
 */
public final class TlsFailures {

    private TlsFailures() {
    }

    /**
     * Why {@code failure} happened, if it is a TLS failure.
     *
     * @param server       who was talked to, as the sentence starts: "Kafka at host:9093"
     * @param prefix       the prefix of the TLS settings of that client
     * @param withOwnCertificate whether this client was given a certificate of its own
     * @param shownAs      names a setting as the user gave it
     */
    public static Optional<String> describe(Throwable failure, String server, String prefix,
            boolean withOwnCertificate, Function<String, String> shownAs) {
        Function<String, String> setting = suffix -> shownAs.apply(prefix + suffix);
        String trust = setting.apply("ca-location") + " (a PEM file) or " + setting.apply("truststore-location");
        String own = setting.apply("certificate-location") + " and " + setting.apply("key-location") + ", or "
                + setting.apply("keystore-location");
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        for (Throwable t : chain) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return Optional.of(server + " shows a certificate that has expired or is not valid yet ("
                        + firstLine(t) + ")");
            }
        }
        boolean tls = false;
        for (Throwable t : chain) {
            tls |= t instanceof SSLException;
            String message = t.getMessage() == null ? "" : t.getMessage();
            String lower = message.toLowerCase(Locale.ROOT);
            if (lower.contains("unable to find valid certification path") || lower.contains("path building failed")) {
                return Optional.of(server + " shows a certificate that no CA this client trusts has signed: set "
                        + trust + " to the CA that signed it");
            }
            if (lower.contains("validity check failed")) {
                return Optional.of(server + " shows a certificate, or a CA above it, that has expired or is not"
                        + " valid yet");
            }
            if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
                return Optional.of(server + " shows a certificate that does not name the host it was reached at ("
                        + firstLine(t) + ")");
            }
            if (lower.contains("received fatal alert")) {
                String alert = message.substring(lower.indexOf("received fatal alert") + 21).trim();
                if (!withOwnCertificate && (alert.startsWith("certificate_required") || alert.startsWith("bad_certificate")
                        || alert.startsWith("handshake_failure"))) {
                    return Optional.of(server + " asks for a client certificate (mutual TLS) and none is set: set "
                            + own);
                }
                if (alert.startsWith("certificate_expired")) {
                    return Optional.of(server + " refused this client's certificate: it has expired");
                }
                if (alert.startsWith("certificate") || alert.startsWith("bad_certificate")
                        || alert.startsWith("unknown_ca")) {
                    return Optional.of(server + " refused this client's certificate (" + alert + "): it must be"
                            + " signed by a CA that " + server.replaceFirst(" at .*", "") + " trusts");
                }
            }
            if (message.equals(TlsProbe.CLOSED)) {
                return Optional.of(server + " " + TlsProbe.CLOSED + (withOwnCertificate
                        ? ": it may not take this client's certificate" : ": if it asks for a client certificate"
                        + " (mutual TLS), set " + own));
            }
            if (lower.contains("unrecognized ssl message")) {
                return Optional.of(server + " does not speak TLS there: check the address and whether this"
                        + " listener takes TLS");
            }
        }
        return tls ? Optional.of(server + " refused the TLS handshake (" + firstLine(failure) + ")") : Optional.empty();
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
