package com.prism.lts.decode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import javax.net.ssl.SSLException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.config.RegistryAccess;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import com.prism.lts.security.TlsFailures;
import com.prism.lts.security.TlsProbe;
import org.apache.avro.Schema;

/**
 * Writer schemas from a Confluent-compatible Schema Registry: {@code GET /schemas/ids/{id}}.
 * <p>
 * Only an answer of "not found" rejects a record. Any other failure (no connection, a 5xx, refused credentials) is a
 * fault of the registry or of our settings, not of the record, so it is reported as transient and retried.
 */
public final class RegistrySchemaSource implements SchemaSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI baseUrl;
    private final RegistryAccess access;
    private final Optional<String> authorization;
    private final HttpClient http;

    /** {@code access}: the credentials to show and, over https, whom to trust and the client certificate. */
    public RegistrySchemaSource(URI baseUrl, RegistryAccess access) {
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.access = access;
        this.authorization = access.authorization();
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        access.sslContext().ifPresent(http::sslContext);
        this.http = http.build();
    }

    @Override
    public Schema schema(int id) throws RecordRejectedException, IOException {
        HttpResponse<String> response = send(request("schemas/ids/" + id).GET(), "schema " + id);
        if (response.statusCode() == 404) {
            throw new RecordRejectedException(RejectReason.UNKNOWN_SCHEMA,
                    "schema id " + id + " is not in " + describe());
        }
        if (response.statusCode() != 200) {
            throw new IOException(describe() + " answered HTTP " + response.statusCode() + " for schema " + id
                    + credentialsHint(response));
        }
        JsonNode body = JSON.readTree(response.body());
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new RecordRejectedException(RejectReason.UNKNOWN_SCHEMA,
                    "schema id " + id + " is a " + type + " schema, not Avro");
        }
        return SchemaSource.parse(id, body.path("schema").asText(), describe());
    }

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and returns the id
     * the registry gave it: how a producer makes its schema known before it sends.
     */
    public int register(String subject, Schema schema) throws IOException {
        String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        HttpResponse<String> response = send(request("subjects/" + subject + "/versions")
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), "subject " + subject);
        if (response.statusCode() != 200) {
            throw new IOException(describe() + " did not register the schema of subject " + subject + ": HTTP "
                    + response.statusCode() + credentialsHint(response));
        }
        JsonNode id = JSON.readTree(response.body()).path("id");
        if (!id.canConvertToInt()) {
            throw new IOException(describe() + " registered the schema of subject " + subject
                    + " but answered no id: " + response.body());
        }
        return id.asInt();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path))
                .timeout(TIMEOUT)
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json");
        authorization.ifPresent(value -> request.header("Authorization", value));
        return request;
    }

    /**
     * Why the registry does not let this client in, if it does not: refused credentials, or a TLS handshake that
     * failed (an unknown CA, an expired or missing certificate). A registry that does not answer is no refusal: that
     * is a fault, retried.
     */
    public Optional<String> refusal() {
        try {
            HttpResponse<String> response = send(request("schemas/types").GET(), "its schema types");
            return response.statusCode() == 401 || response.statusCode() == 403
                    ? Optional.of(describe() + " refused the credentials (HTTP " + response.statusCode() + ")"
                            + credentialsHint(response))
                    : Optional.empty();
        } catch (TlsRefused e) {
            return Optional.of(e.getMessage());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String what) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (SSLException e) {
            throw tlsRefused(e);
        } catch (ConnectException | HttpTimeoutException e) {
            throw e;
        } catch (IOException e) {
            // closed without a word: under TLS 1.3, how a server refuses a client certificate looks to an HTTP client
            Optional<SSLException> tls = "https".equalsIgnoreCase(baseUrl.getScheme()) ? TlsProbe.failure(
                    http.sslContext(), baseUrl.getHost(), port(), TIMEOUT)
                    : Optional.empty();
            if (tls.isPresent()) {
                throw tlsRefused(tls.get());
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + describe() + " about " + what, e);
        }
    }

    private TlsRefused tlsRefused(SSLException e) {
        return new TlsRefused(TlsFailures.describe(e, describe(), "prism.schema-registry.ssl.",
                access.tls().hasClientCertificate(), Function.identity())
                .orElse(describe() + " refused the TLS handshake"));
    }

    private int port() {
        return baseUrl.getPort() > 0 ? baseUrl.getPort() : 443;
    }

    private String credentialsHint(HttpResponse<String> response) {
        return response.statusCode() == 401 || response.statusCode() == 403
                ? ": check " + access.credentialSettings() : "";
    }

    @Override
    public String describe() {
        return "schema registry " + baseUrl;
    }

    /** The registry's TLS handshake failed; the message says why in one sentence. */
    private static final class TlsRefused extends IOException {
        private static final long serialVersionUID = 1L;

        TlsRefused(String message) {
            super(message);
        }
    }
}
