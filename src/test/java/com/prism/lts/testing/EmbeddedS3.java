package com.prism.lts.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 server (s3proxy) running in this JVM, storing objects as plain files under a folder, so that they can
 * also be opened with any tool. It can be stopped and started again on the same port, to play an S3 outage.
 */
public final class EmbeddedS3 extends S3Server {

    private final Path directory;
    private final BlobStore blobStore;
    private final int port;
    private S3Proxy proxy;
    private boolean running = true;

    private EmbeddedS3(Path directory, BlobStore blobStore, S3Proxy proxy) {
        super(URI.create("http://127.0.0.1:" + proxy.getPort()));
        this.directory = directory;
        this.blobStore = blobStore;
        this.proxy = proxy;
        this.port = proxy.getPort();
    }

    /** Starts a server that keeps its objects under {@code directory}, as {@code <bucket>/<key>}. */
    public static EmbeddedS3 start(Path directory) {
        try {
            Files.createDirectories(directory);
            BlobStore blobStore = new FilesystemNio2BlobStore(directory.toAbsolutePath().toString());
            return new EmbeddedS3(directory, blobStore, started(blobStore, 0));
        } catch (Exception e) {
            throw new IllegalStateException("could not start the S3 server", e);
        }
    }

    /** Starts a server in a new temporary folder. */
    public static EmbeddedS3 start() {
        try {
            return start(Files.createTempDirectory("prism-s3"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static S3Proxy started(BlobStore blobStore, int port) throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0)
                .build();
        proxy.start();
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            Thread.onSpinWait();
        }
        return proxy;
    }

    public Path directory() {
        return directory;
    }

    /** Stops answering requests: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the S3 server", e);
        }
    }

    /** Answers requests again, on the same port, with the same objects. */
    public synchronized void restart() {
        if (running) {
            return;
        }
        try {
            proxy = started(blobStore, port);
            running = true;
        } catch (Exception e) {
            throw new IllegalStateException("could not restart the S3 server", e);
        }
    }

    @Override
    public void close() {
        super.close();
        stop();
        blobStore.close();
    }
}
