package com.prism.lts.compact;

import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import com.prism.lts.config.Backoff;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.exceptions.ServiceFailureException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Runs a step against S3 or the catalog again, with exponential backoff ({@code prism.retry.*}), for as long as it
 * fails for a reason that passes by itself: an unreachable server, a 5xx answer, throttling, a busy database. Any
 * other failure is passed on at once. Only steps that may run twice with the same effect are run here.
 */
final class Retrying {

    private static final Logger LOG = LoggerFactory.getLogger(Retrying.class);

    private final Backoff backoff;

    Retrying(Backoff backoff) {
        this.backoff = backoff;
    }

    <T> T call(String what, Callable<T> step) {
        Backoff.Delays delays = backoff.delays();
        while (true) {
            try {
                return step.call();
            } catch (Exception e) {
                if (!passing(e)) {
                    throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                }
                long delay = delays.next();
                LOG.warn("Could not {} ({}); trying again in {} ms", what, rootMessage(e), delay);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting to " + what, interrupted);
                }
            }
        }
    }

    void run(String what, Runnable step) {
        call(what, () -> {
            step.run();
            return null;
        });
    }

    /** Whether a failure passes by itself: the server was unreachable, overloaded, or failed on its side. */
    static boolean passing(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SdkServiceException service) {
                return service.statusCode() >= 500 || service.isThrottlingException();
            }
            if (cause instanceof SdkClientException || cause instanceof UncheckedIOException
                    || cause instanceof RuntimeIOException || cause instanceof java.io.IOException
                    || cause instanceof SQLException || cause instanceof ServiceUnavailableException
                    || cause instanceof ServiceFailureException) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
