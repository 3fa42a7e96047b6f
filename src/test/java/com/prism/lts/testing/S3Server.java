package com.prism.lts.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 server (s3proxy) the tests talk to, wherever it runs: in this JVM ({@link EmbeddedS3}) or in a process of
 * its own (the benchmark's). Both accept the same credentials.
 */
public abstract class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "prism";
    public static final String SECRET_KEY = "prism-secret";
    public static final String REGION = "us-east-1";

    private final URI endpoint;
    private final S3Client client;

    protected S3Server(URI endpoint) {
        this.endpoint = endpoint;
        this.client = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
    }

    public URI endpoint() {
        return endpoint;
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

    /** Closes this side's client; subclasses stop the server after it. */
    @Override
    public void close() {
        client.close();
    }

    /** The contents of one archive file. */
    public record ArchiveFile(List<GenericRecord> records, Map<String, byte[]> meta, String codec) {

        static ArchiveFile read(InputStream in) throws IOException {
            try (DataFileStream<GenericRecord> stream = new DataFileStream<>(in, new GenericDatumReader<>())) {
                List<GenericRecord> records = new ArrayList<>();
                stream.forEach(records::add);
                Map<String, byte[]> meta = new HashMap<>();
                stream.getMetaKeys().forEach(k -> meta.put(k, stream.getMeta(k)));
                return new ArchiveFile(records, meta, stream.getMetaString("avro.codec"));
            }
        }
    }
}
