package com.prism.lts.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The archiver's management HTTP port, as a Kubernetes probe or a Prometheus scrape sees it. */
public final class Management {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$",
            Pattern.MULTILINE);

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public Management(int port) {
        this.port = port;
    }

    /** A port nobody listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status(String path) {
        return get(path).statusCode();
    }

    /** The value of one Prometheus sample of {@code /observe/metrics}, or NaN when it is absent. */
    public double metric(String name, Map<String, String> labels) {
        Matcher sample = SAMPLE.matcher(get("/observe/metrics").body());
        while (sample.find()) {
            if (sample.group(1).equals(name) && hasLabels(sample.group(2), labels)) {
                return Double.parseDouble(sample.group(3));
            }
        }
        return Double.NaN;
    }

    public double metric(String name) {
        return metric(name, Map.of());
    }

    private static boolean hasLabels(String text, Map<String, String> labels) {
        return labels.entrySet().stream().allMatch(label -> text != null
                && text.contains(label.getKey() + "=\"" + label.getValue() + "\""));
    }
}
