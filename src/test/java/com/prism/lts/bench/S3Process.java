package com.prism.lts.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.JavaProcess;
import com.prism.lts.testing.S3Server;

/**
 * The tests' S3 server ({@link EmbeddedS3}: s3proxy, objects as files) in a JVM of its own, so that the JVM the
 * benchmark measures does nothing else. {@link #main} is that JVM; the rest is this side's view of it.
 */
final class S3Process extends S3Server {

    private static final String READY = "S3 server listening on ";

    private final JavaProcess server;

    private S3Process(URI endpoint, JavaProcess server) {
        super(endpoint);
        this.server = server;
    }

    static S3Process start(Path directory) {
        JavaProcess server = JavaProcess.start(List.of("-Xmx512m"), Map.of(), S3Process.class.getName(),
                List.of(directory.resolve("objects").toAbsolutePath().toString()), directory.resolve("s3.log"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && server.isAlive()) {
            String log = server.log();
            int ready = log.indexOf(READY);
            if (ready >= 0 && log.indexOf('\n', ready) > 0) {
                return new S3Process(URI.create(log.substring(ready + READY.length(), log.indexOf('\n', ready))
                        .trim()), server);
            }
            sleep(Duration.ofMillis(50));
        }
        server.close();
        throw new IllegalStateException("the S3 server did not start:\n" + server.log());
    }

    /** Serves {@code args[0]} until the process is killed. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedS3 s3 = EmbeddedS3.start(Path.of(args[0]));
        System.out.println(READY + s3.endpoint());
        Thread.currentThread().join();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    ProcessHandle handle() {
        return server.handle();
    }

    @Override
    public void close() {
        super.close();
        server.close();
    }
}
