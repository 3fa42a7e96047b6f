package com.prism.lts.observe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import com.prism.lts.config.InvalidSettingsException;

/**
 * The management port must be free before the application starts: when it is taken, Camel's HTTP server logs a stack
 * trace and the application runs on without health or metrics endpoints, so that every probe fails and nobody is told
 * why. Refusing to start says it at once.
 */
public final class ManagementPort {

    private ManagementPort() {
    }

    /** {@code lookup} answers a property name with its value, if it has one. */
    public static void requireFree(Function<String, Optional<String>> lookup) {
        boolean enabled = lookup.apply("camel.management.enabled").map(Boolean::parseBoolean).orElse(false);
        int port = lookup.apply("camel.management.port").map(String::trim).map(Integer::parseInt).orElse(0);
        String host = lookup.apply("camel.management.host").orElse("0.0.0.0");
        if (!enabled || port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new InvalidSettingsException(List.of("camel.management.port " + port + " cannot be listened on at "
                    + host + " (" + e.getMessage() + "): another process has it; stop that process or choose another"
                    + " port (CAMEL_MANAGEMENT_PORT)"));
        }
    }
}
