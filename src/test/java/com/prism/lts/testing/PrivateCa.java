package com.prism.lts.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made when a test starts, as a company's private CA is: it signs the certificates of
 * servers (for {@code localhost} and {@code 127.0.0.1}) and of clients, valid now or, to play a forgotten renewal,
 * expired. Keys are EC P-256: quick to make.
 */
public final class PrivateCa {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final X500Principal name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private PrivateCa(X500Principal name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    public static PrivateCa create(String commonName) {
        X500Principal name = new X500Principal("CN=" + commonName + ",O=Prism LTS tests");
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X509Certificate certificate = sign(name, keys, name, keys.getPublic(), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(365)), true);
        return new PrivateCa(name, keys, certificate);
    }

    /** A certificate for {@code localhost} and {@code 127.0.0.1}, valid for a year. */
    public Issued issue(String commonName) {
        Instant now = Instant.now();
        return issue(commonName, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /** A certificate that expired yesterday. */
    public Issued issueExpired(String commonName) {
        Instant now = Instant.now();
        return issue(commonName, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    }

    private Issued issue(String commonName, Instant from, Instant to) {
        KeyPair pair = keyPair();
        return new Issued(sign(name, keys, new X500Principal("CN=" + commonName + ",O=Prism LTS tests"),
                pair.getPublic(), from, to, false), pair, certificate);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's certificate as PEM text. */
    public String certificatePem() {
        return pem("CERTIFICATE", encoded(certificate));
    }

    /** Writes the CA's certificate as a PEM file. */
    public Path writePem(Path file) {
        return write(file, certificatePem());
    }

    /** A PKCS12 trust store holding the CA's certificate. */
    public Path writeTruststore(Path file, String password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", certificate);
            return save(store, file, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate, its key and the CA that signed it. */
    public record Issued(X509Certificate certificate, KeyPair keys, X509Certificate ca) {

        public String certificatePem() {
            return pem("CERTIFICATE", encoded(certificate));
        }

        /** The private key, PKCS#8. */
        public String keyPem() {
            return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
        }

        /** Writes {@code name}.crt and {@code name}.key into {@code folder}; returns the certificate's path. */
        public Path writePem(Path folder, String name) {
            write(folder.resolve(name + ".key"), keyPem());
            return write(folder.resolve(name + ".crt"), certificatePem());
        }

        /** A PKCS12 key store holding the key, the certificate and the CA's. */
        public Path writeKeystore(Path file, String password) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("client", keys.getPrivate(), password.toCharArray(),
                        new Certificate[] {certificate, ca});
                return save(store, file, password);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static X509Certificate sign(X500Principal issuer, KeyPair issuerKeys, X500Principal subject,
            java.security.PublicKey key, Instant from, Instant to, boolean authority) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(from), Date.from(to), subject, key);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (authority) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign
                        | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                        | KeyUsage.keyAgreement));
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path save(KeyStore store, Path file, String password) throws GeneralSecurityException,
            IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
