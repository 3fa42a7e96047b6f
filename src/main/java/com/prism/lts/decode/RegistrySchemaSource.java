package com.prism.lts.decode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
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
    private final Optional<String> authorization;
    private final HttpClient http;

    public RegistrySchemaSource(URI baseUrl, Optional<String> username, Optional<String> password) {
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.authorization = username.map(user -> "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password.orElse("")).getBytes(StandardCharsets.UTF_8)));
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
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

    private HttpResponse<String> send(HttpRequest.Builder request, String what) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + describe() + " about " + what, e);
        }
    }

    private static String credentialsHint(HttpResponse<String> response) {
        return response.statusCode() == 401 || response.statusCode() == 403
                ? ": check prism.schema-registry.username and prism.schema-registry.password" : "";
    }

    @Override
    public String describe() {
        return "schema registry " + baseUrl;
    }
}
