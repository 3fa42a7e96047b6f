package com.prism.lts.security;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A TLS handshake and one request on a socket of our own, to learn why a server closed an HTTPS connection without a
 * word. Under TLS 1.3 a server checks the client's certificate after the client's side of the handshake is done: an
 * HTTP client then sees only a connection closed ("received no bytes"), while the server's alert (certificate
 * required, unknown CA) arrives on the socket's next read, or, from a server that sends none, the end of the stream.
 */
public final class TlsProbe {

    /** What a server that closes the connection without sending an alert leaves to say. */
    public static final String CLOSED = "closed the connection right after the TLS handshake, without an answer";

    private TlsProbe() {
    }

    /** The TLS failure talking to {@code host}:{@code port} with {@code tls}, if there is one. */
    public static Optional<SSLException> failure(SSLContext tls, String host, int port, Duration timeout) {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.startHandshake();
            try {
                socket.getOutputStream().write(("HEAD / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                return socket.getInputStream().read() < 0 ? Optional.of(new SSLException(CLOSED)) : Optional.empty();
            } catch (SSLException e) {
                return Optional.of(e);
            } catch (SocketTimeoutException slow) {
                return Optional.empty();
            } catch (IOException closedOrReset) {
                return Optional.of(new SSLException(CLOSED));
            }
        } catch (SSLException e) {
            return Optional.of(e);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
