package com.prism.lts.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

/**
 * How the schema registry client proves who it is ({@code prism.schema-registry.username} and {@code password}, or
 * {@code bearer-token}) and whom it trusts ({@code prism.schema-registry.ssl.*}).
 */
public record RegistryAccess(
        Optional<String> username,
        Optional<String> password,
        Optional<String> bearerToken,
        TlsSettings tls) {

    /** No credentials, the JVM's CAs. */
    public static RegistryAccess none() {
        return from(name -> Optional.empty(), Function.identity());
    }

    /** Reads the registry's access settings alone, as the tools do (see {@link KafkaSecurity#from}). */
    public static RegistryAccess from(Function<String, Optional<String>> lookup, Function<String, String> shownAs) {
        return ArchiveSettings.Reader.readAlone(lookup, shownAs, RegistryAccess::read);
    }

    static RegistryAccess read(ArchiveSettings.Reader r) {
        RegistryAccess access = new RegistryAccess(
                r.optional("prism.schema-registry.username"),
                r.optional("prism.schema-registry.password"),
                r.optional("prism.schema-registry.bearer-token"),
                TlsSettings.read(r, "prism.schema-registry.ssl."));
        if (access.username.isPresent() != access.password.isPresent()) {
            r.problem("prism.schema-registry.username", "and " + r.shown("prism.schema-registry.password")
                    + " must be set together");
        }
        if (access.username.isPresent() && access.bearerToken.isPresent()) {
            r.problem("prism.schema-registry.bearer-token", "and " + r.shown("prism.schema-registry.username")
                    + " must not both be set: the registry takes one Authorization header");
        }
        return access;
    }

    /** The value of the {@code Authorization} header, if any. */
    public Optional<String> authorization() {
        if (username.isPresent()) {
            return Optional.of("Basic " + Base64.getEncoder().encodeToString((username.get() + ":"
                    + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
        }
        return bearerToken.map(token -> "Bearer " + token);
    }

    /** The SSL context for {@code https} registries: the JVM's default unless TLS files are set. */
    public Optional<SSLContext> sslContext() {
        return tls.isEmpty() ? Optional.empty() : Optional.of(tls.sslContext());
    }

    /** The settings to check when the registry refuses the credentials. */
    public String credentialSettings() {
        return bearerToken.isPresent() ? "prism.schema-registry.bearer-token"
                : "prism.schema-registry.username and prism.schema-registry.password";
    }
}
