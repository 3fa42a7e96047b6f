package com.prism.lts.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 server (s3proxy) running in this JVM, storing objects as plain files under a folder, so that they can
 * also be opened with any tool. It can be stopped and started again on the same port, to play an S3 outage.
 */
public final class EmbeddedS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "prism";
    public static final String SECRET_KEY = "prism-secret";
    public static final String REGION = "us-east-1";

    private final Path directory;
    private final BlobStore blobStore;
    private final int port;
    private final S3Client client;
    private S3Proxy proxy;
    private boolean running = true;

    private EmbeddedS3(Path directory, BlobStore blobStore, S3Proxy proxy) {
        this.directory = directory;
        this.blobStore = blobStore;
        this.proxy = proxy;
        this.port = proxy.getPort();
        this.client = S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
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

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path directory() {
        return directory;
    }

    /** The settings that point Prism LTS at this server. */
    public Map<String, String> settings() {
        return Map.of(
                "prism.s3.endpoint", endpoint().toString(),
                "prism.s3.region", REGION,
                "prism.s3.path-style", "true",
                "prism.s3.access-key", ACCESS_KEY,
                "prism.s3.secret-key", SECRET_KEY);
    }

    public S3Client client() {
        return client;
    }

    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
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

    public List<S3Object> objects(String bucket, String prefix) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().toList();
    }

    public List<String> keys(String bucket, String prefix) {
        return objects(bucket, prefix).stream().map(S3Object::key).toList();
    }

    public Map<String, String> metadata(String bucket, String key) {
        return client.headObject(b -> b.bucket(bucket).key(key)).metadata();
    }

    /** Reads an archive file with Avro's own reader. */
    public ArchiveFile read(String bucket, String key) {
        try (ResponseInputStream<GetObjectResponse> in = client.getObject(b -> b.bucket(bucket).key(key))) {
            return ArchiveFile.read(in);
        } catch (IOException e) {
            throw new IllegalStateException("could not read s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public void close() {
        client.close();
        stop();
        blobStore.close();
    }

    /** The contents of one archive file. */
    public record ArchiveFile(List<GenericRecord> records, Map<String, byte[]> meta, String codec) {

        static ArchiveFile read(InputStream in) throws IOException {
            try (DataFileStream<GenericRecord> stream = new DataFileStream<>(in, new GenericDatumReader<>())) {
                List<GenericRecord> records = new java.util.ArrayList<>();
                stream.forEach(records::add);
                Map<String, byte[]> meta = new java.util.HashMap<>();
                stream.getMetaKeys().forEach(k -> meta.put(k, stream.getMeta(k)));
                return new ArchiveFile(records, meta, stream.getMetaString("avro.codec"));
            }
        }
    }
}
