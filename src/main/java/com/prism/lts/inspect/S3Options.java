package com.prism.lts.inspect;

import java.net.URI;
import java.util.Optional;

import com.prism.lts.ToolFailure;
import com.prism.lts.upload.S3Clients;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/** Where the archive is: the S3 options of {@code ls} and {@code cat}, by default the archiver's own settings. */
public final class S3Options {

    @Option(names = "--endpoint", descriptionKey = "prism.s3.endpoint", paramLabel = "URL",
            description = "S3 endpoint, for S3-compatible servers; AWS S3 itself when not given.")
    URI endpoint;

    @Option(names = "--region", descriptionKey = "prism.s3.region",
            description = "S3 region (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--path-style", descriptionKey = "prism.s3.path-style", arity = "0..1", paramLabel = "true|false",
            description = "Address the bucket as <endpoint>/<bucket>, as most S3-compatible servers want"
                    + " (default: ${DEFAULT-VALUE}).")
    boolean pathStyle;

    @Option(names = "--access-key", descriptionKey = "prism.s3.access-key",
            description = "Access key; without one the AWS default credential chain applies.")
    String accessKey;

    @Option(names = "--secret-key", descriptionKey = "prism.s3.secret-key",
            description = "Secret key of --access-key.")
    String secretKey;

    @Option(names = "--bucket", descriptionKey = "prism.s3.bucket",
            description = "Bucket of the archive (default: ${DEFAULT-VALUE}).")
    String bucket;

    @Option(names = "--prefix", descriptionKey = "prism.s3.prefix",
            description = "Folder of the archive in the bucket (default: ${DEFAULT-VALUE}).")
    String prefix;

    public S3Client client() {
        if ((accessKey == null) != (secretKey == null)) {
            throw new ToolFailure("--access-key and --secret-key go together");
        }
        Access access = access();
        return S3Clients.create(access.region(), access.pathStyle(), access.endpoint(), access.accessKey(),
                access.secretKey(), 4);
    }

    /** What another S3 client (Iceberg's, reading the compacted tables) needs of these options. */
    public record Access(String region, boolean pathStyle, Optional<URI> endpoint, Optional<String> accessKey,
            Optional<String> secretKey) {
    }

    public Access access() {
        return new Access(region, pathStyle, Optional.ofNullable(endpoint), Optional.ofNullable(accessKey),
                Optional.ofNullable(secretKey));
    }

    public ArchiveBucket bucket(S3Client client, String name) {
        return new ArchiveBucket(client, name, endpoint != null ? endpoint.toString() : "AWS S3 in " + region);
    }

    public String bucket() {
        return bucket;
    }

    /** The archive's prefix in the bucket, as the archiver's prism.s3.prefix: empty, or a folder without a slash. */
    public String prefix() {
        return prefix == null ? "" : prefix.replaceAll("/+$", "");
    }

    /** The archive's folder in the bucket: empty, or the prefix and a slash. */
    public String folder() {
        return prefix().isEmpty() ? "" : prefix() + "/";
    }
}
