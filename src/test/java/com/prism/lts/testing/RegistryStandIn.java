package com.prism.lts.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.apache.avro.Schema;

/**
 * A stand-in for a Confluent Schema Registry: no registry server can be run on our machines, so this small HTTP
 * server answers the calls Prism LTS makes, the way Confluent's API documents them: {@code GET /schemas/ids/{id}}
 * and {@code POST /subjects/{subject}/versions}. It can be told to fail, to play an unreachable registry, and be
 * served over HTTPS by a private CA, with basic authentication and client certificates.
 */
public final class RegistryStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");

    private final HttpServer server;
    private final String scheme;
    private volatile String requiredAuthorization;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemaTypes = new ConcurrentHashMap<>();
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int failWith;
    private final Map<Integer, Duration> slowFirstLookup = new ConcurrentHashMap<>();

    private RegistryStandIn(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
    }

    public static RegistryStandIn start() {
        try {
            return serve(new RegistryStandIn(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "http"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Over HTTPS with {@code certificate}, as a registry of a private CA; with {@code clientCa}, it asks for a client
     * certificate that this CA signed (mutual TLS).
     */
    public static RegistryStandIn startHttps(PrivateCa.Issued certificate, Optional<PrivateCa> clientCa) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("registry", certificate.keys().getPrivate(), new char[0],
                    new Certificate[] {certificate.certificate(), certificate.ca()});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, new char[0]);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            if (clientCa.isPresent()) {
                trusted.setCertificateEntry("clients", clientCa.get().certificate());
            }
            trustManagers.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters parameters) {
                    SSLParameters ssl = tls.getDefaultSSLParameters();
                    ssl.setNeedClientAuth(clientCa.isPresent());
                    parameters.setSSLParameters(ssl);
                }
            });
            return serve(new RegistryStandIn(server, "https"));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RegistryStandIn serve(RegistryStandIn registry) {
        registry.server.createContext("/", registry::handle);
        registry.server.setExecutor(registry.threads);
        registry.server.start();
        return registry;
    }

    public URI url() {
        return URI.create(scheme + "://" + (scheme.equals("https") ? "localhost" : "127.0.0.1") + ":"
                + server.getAddress().getPort());
    }

    /** Answers 401 from now on to requests without this user and password (basic authentication). */
    public void requireBasicAuthentication(String username, String password) {
        requiredAuthorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Registers a schema under an id of the test's choosing. */
    public void put(int id, Schema schema) {
        schemas.put(id, schema.toString());
        ids.put(schema.toString(), id);
    }

    /**
     * Registers schema text of another type ({@code PROTOBUF}, {@code JSON}) or text that is not a valid schema:
     * Confluent's answer then carries {@code schemaType}, which it leaves out for Avro.
     */
    public void put(int id, String schemaType, String schema) {
        schemas.put(id, schema);
        schemaTypes.put(id, schemaType);
    }

    /**
     * Answers the first lookup of schema {@code id} only after {@code delay}, as a registry under load might; lookups
     * made meanwhile, and later, are answered at once.
     */
    public void slowFirstLookup(int id, Duration delay) {
        slowFirstLookup.put(id, delay);
    }

    /** Answers every request with this HTTP status from now on; 0 answers normally again. */
    public void failWith(int status) {
        failWith = status;
    }

    /** The Authorization headers received, in order. */
    public List<String> authorizations() {
        return authorizations;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            authorizations.add(auth);
        }
        String required = requiredAuthorization;
        if (required != null && !required.equals(auth)) {
            respond(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
            return;
        }
        if (failWith != 0) {
            respond(exchange, failWith, "{\"error_code\":" + failWith + ",\"message\":\"failing on purpose\"}");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        Matcher byId = BY_ID.matcher(path);
        Matcher register = REGISTER.matcher(path);
        if ("GET".equals(exchange.getRequestMethod()) && byId.matches()) {
            Duration delay = slowFirstLookup.remove(Integer.parseInt(byId.group(1)));
            if (delay != null) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String schema = schemas.get(Integer.parseInt(byId.group(1)));
            if (schema == null) {
                respond(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                return;
            }
            ObjectNode body = JSON.createObjectNode().put("schema", schema);
            String type = schemaTypes.get(Integer.parseInt(byId.group(1)));
            if (type != null) {
                body.put("schemaType", type);
            }
            respond(exchange, 200, body.toString());
        } else if ("POST".equals(exchange.getRequestMethod()) && register.matches()) {
            String schema = JSON.readTree(exchange.getRequestBody()).path("schema").asText();
            String canonical = new Schema.Parser().parse(schema).toString();
            int id = ids.computeIfAbsent(canonical, s -> {
                int next = nextId.getAndIncrement();
                while (schemas.containsKey(next)) {
                    next = nextId.getAndIncrement();
                }
                schemas.put(next, s);
                return next;
            });
            respond(exchange, 200, "{\"id\":" + id + "}");
        } else {
            respond(exchange, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
