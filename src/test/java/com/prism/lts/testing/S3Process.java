package com.prism.lts.testing;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import com.prism.lts.testing.EmbeddedS3;
import com.prism.lts.testing.S3Server;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The tests' S3 server ({@link EmbeddedS3}: s3proxy, objects as files) in a JVM of its own, so that the JVM the
 * benchmark measures does nothing else. {@link #main} is that JVM; the rest is this side's view of it.
 */
public final class S3Process extends S3Server {

    private static final String READY = "S3 server listening on ";

    private final JavaProcess server;

    private S3Process(URI endpoint, JavaProcess server) {
        super(endpoint);
        this.server = server;
    }

    public static S3Process start(Path directory) {
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

    /**
     * Sends the server as many file-sized PUTs as a contestant will, conditional and with user metadata as theirs
     * are, so that its JIT compiler has done its work before the first contestant comes: on two cores that work would
     * otherwise slow down whoever runs first.
     */
    public void warmUp(int puts, PrintStream out) {
        String bucket = "bench-warm-up";
        createBucket(bucket);
        byte[] file = new byte[50_000];
        new Random(1).nextBytes(file);
        long started = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<PutObjectResponse>> sent = IntStream.range(0, puts).mapToObj(i -> threads.submit(
                    () -> client().putObject(b -> b.bucket(bucket).key("warm-up/" + i).ifNoneMatch("*")
                            .metadata(Map.of("record-count", "250")), RequestBody.fromBytes(file)))).toList();
            for (Future<PutObjectResponse> put : sent) {
                put.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not warm the S3 server up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            threads.shutdownNow();
        }
        out.printf("  warmed the S3 server up with %,d PUTs in %.1f s%n", puts, (System.nanoTime() - started) / 1e9);
    }

    /** Serves {@code args[0]} until the process is killed. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedS3 s3 = EmbeddedS3.start(Path.of(args[0]));
        System.out.println(READY + s3.endpoint());
        Thread.currentThread().join();
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public ProcessHandle handle() {
        return server.handle();
    }

    @Override
    public void close() {
        super.close();
        server.close();
    }
}
