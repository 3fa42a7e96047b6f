package com.prism.lts.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * The files of a TLS client: whom it trusts (a PEM file of CA certificates, or a trust store; neither: the JVM's own
 * CAs) and, for mutual TLS, who it is (a PEM certificate with its PEM private key, or a key store). Kafka
 * ({@code prism.kafka.ssl.*}) and the schema registry ({@code prism.schema-registry.ssl.*}) each have a set, read
 * and checked the same way, and both are loaded by the Kafka client's own SSL code, so that a file one of them takes
 * the other takes too.
 */
public record TlsSettings(
        String prefix,
        Optional<Path> caLocation,
        Optional<Path> truststoreLocation,
        Optional<String> truststorePassword,
        Optional<Path> certificateLocation,
        Optional<Path> keyLocation,
        Optional<Path> keystoreLocation,
        Optional<String> keystorePassword,
        Optional<String> keyPassword) {

    /** Reads the settings under {@code prefix} ({@code prism.kafka.ssl.}) and checks that their files can be used. */
    static TlsSettings read(ArchiveSettings.Reader r, String prefix) {
        int problems = r.problemCount();
        TlsSettings tls = new TlsSettings(prefix,
                r.readablePath(prefix + "ca-location"),
                r.readablePath(prefix + "truststore-location"),
                r.optional(prefix + "truststore-password"),
                r.readablePath(prefix + "certificate-location"),
                r.readablePath(prefix + "key-location"),
                r.readablePath(prefix + "keystore-location"),
                r.optional(prefix + "keystore-password"),
                r.optional(prefix + "key-password"));
        tls.crossCheck(r);
        if (r.problemCount() == problems) {
            tls.checkFiles(r);
        }
        return tls;
    }

    /** Whether any file is named: with none, TLS trusts the JVM's CAs and shows no certificate. */
    public boolean isEmpty() {
        return caLocation.isEmpty() && truststoreLocation.isEmpty() && certificateLocation.isEmpty()
                && keystoreLocation.isEmpty();
    }

    /** Whether this client shows a certificate of its own (mutual TLS). */
    public boolean hasClientCertificate() {
        return certificateLocation.isPresent() || keystoreLocation.isPresent();
    }

    /** The Kafka client's {@code ssl.*} properties for these files. */
    public Map<String, String> kafkaProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        caLocation.ifPresent(ca -> {
            properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, DefaultSslEngineFactory.PEM_TYPE);
            properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, ca.toString());
        });
        truststoreLocation.ifPresent(store -> properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                store.toString()));
        truststorePassword.ifPresent(password -> properties.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, password));
        if (certificateLocation.isPresent() && keyLocation.isPresent()) {
            // the Kafka client takes a PEM certificate and key as values; a key store file of type PEM would have to
            // hold both, and Kubernetes secrets (tls.crt, tls.key) keep them apart
            properties.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, DefaultSslEngineFactory.PEM_TYPE);
            properties.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, read(certificateLocation.get()));
            properties.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, read(keyLocation.get()));
        }
        keystoreLocation.ifPresent(store -> properties.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, store.toString()));
        keystorePassword.ifPresent(password -> properties.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, password));
        keyPassword.ifPresent(password -> properties.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, password));
        return properties;
    }

    /** An SSL context for these files, made by the Kafka client's SSL code from {@link #kafkaProperties()}. */
    public SSLContext sslContext() {
        return engineFactory().sslContext();
    }

    private DefaultSslEngineFactory engineFactory() {
        ConfigDef definitions = new ConfigDef();
        SslConfigs.addClientSslSupport(definitions);
        Map<String, Object> parsed = new HashMap<>(definitions.parse(kafkaProperties()));
        parsed.put(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG, "none");
        DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        factory.configure(parsed);
        return factory;
    }

    private void crossCheck(ArchiveSettings.Reader r) {
        if (caLocation.isPresent() && truststoreLocation.isPresent()) {
            r.problem(prefix + "ca-location", "and " + r.shown(prefix + "truststore-location")
                    + " must not both be set: each says whom to trust");
        }
        if (truststorePassword.isPresent() && truststoreLocation.isEmpty()) {
            r.problem(prefix + "truststore-password", "is set, but " + r.shown(prefix + "truststore-location")
                    + " is not");
        }
        if (certificateLocation.isPresent() != keyLocation.isPresent()) {
            r.problem(prefix + "certificate-location", "and " + r.shown(prefix + "key-location")
                    + " must be set together");
        }
        if (certificateLocation.isPresent() && keystoreLocation.isPresent()) {
            r.problem(prefix + "certificate-location", "and " + r.shown(prefix + "keystore-location")
                    + " must not both be set: each says who this client is");
        }
        if (keystoreLocation.isPresent() != keystorePassword.isPresent()) {
            r.problem(prefix + "keystore-location", "and " + r.shown(prefix + "keystore-password")
                    + " must be set together");
        }
        if (keyPassword.isPresent() && !hasClientCertificate()) {
            r.problem(prefix + "key-password", "is set, but no client certificate is ("
                    + r.shown(prefix + "certificate-location") + " or " + r.shown(prefix + "keystore-location") + ")");
        }
        keyLocation.filter(Files::isReadable).filter(key -> read(key).contains("-----BEGIN RSA PRIVATE KEY-----")
                || read(key).contains("-----BEGIN EC PRIVATE KEY-----")).ifPresent(key -> r.problem(
                prefix + "key-location", "names " + key + ", a key in the traditional OpenSSL format; a PKCS#8 key"
                        + " (BEGIN PRIVATE KEY) is needed: openssl pkcs8 -topk8 -nocrypt -in " + key.getFileName()));
    }

    /** Loads the files as a connection will, and refuses certificates that are expired or not valid yet. */
    private void checkFiles(ArchiveSettings.Reader r) {
        if (isEmpty()) {
            return;
        }
        DefaultSslEngineFactory factory;
        try {
            factory = engineFactory();
        } catch (RuntimeException e) {
            String setting = keystoreLocation.isPresent() || certificateLocation.isPresent()
                    ? keystoreLocation.isPresent() ? "keystore-location" : "key-location"
                    : caLocation.isPresent() ? "ca-location" : "truststore-location";
            r.problem(prefix + setting, "cannot be used: " + rootMessage(e) + (setting.startsWith("keystore")
                    || truststorePassword.isPresent() ? " (check the passwords)" : ""));
            return;
        }
        try {
            Instant now = Instant.now();
            if (factory.keystore() != null) {
                checkValidity(r, factory.keystore(), certificateLocation.isPresent() ? "certificate-location"
                        : "keystore-location", "the client certificate", now);
            }
            if (factory.truststore() != null) {
                checkValidity(r, factory.truststore(), caLocation.isPresent() ? "ca-location"
                        : "truststore-location", "the CA certificate", now);
            }
        } finally {
            factory.close();
        }
    }

    private void checkValidity(ArchiveSettings.Reader r, KeyStore store, String setting, String what, Instant now) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                Certificate[] chain = store.isKeyEntry(alias) ? store.getCertificateChain(alias)
                        : new Certificate[] {store.getCertificate(alias)};
                if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                    continue;
                }
                String subject = certificate.getSubjectX500Principal().getName();
                if (certificate.getNotAfter().toInstant().isBefore(now)) {
                    r.problem(prefix + setting, "holds " + what + " " + subject + ", which expired on "
                            + certificate.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS) + "; renew it");
                } else if (certificate.getNotBefore().toInstant().isAfter(now)) {
                    r.problem(prefix + setting, "holds " + what + " " + subject + ", which is valid only from "
                            + certificate.getNotBefore().toInstant().truncatedTo(ChronoUnit.SECONDS));
                }
            }
        } catch (KeyStoreException e) {
            r.problem(prefix + setting, "cannot be read: " + e.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.equals(e.getMessage()) ? message : e.getMessage() + ": " + message;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
