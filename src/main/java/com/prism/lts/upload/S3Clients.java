package com.prism.lts.upload;

import java.net.URI;
import java.util.Optional;

import com.prism.lts.config.ArchiveSettings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** The S3 client of the archive, built from the {@code prism.s3.*} settings. */
public final class S3Clients {

    private S3Clients() {
    }

    public static S3Client create(ArchiveSettings settings) {
        return builder(settings.region(), settings.pathStyle(), settings.s3Endpoint(), settings.accessKey(),
                settings.secretKey(), Math.max(50, 2 * settings.uploadConcurrency())).build();
    }

    /** A client whose every upload applies {@code storage}: the one the route uploads archive files with. */
    public static S3Client create(ArchiveSettings settings, StorageOptions storage) {
        return builder(settings.region(), settings.pathStyle(), settings.s3Endpoint(), settings.accessKey(),
                settings.secretKey(), Math.max(50, 2 * settings.uploadConcurrency()))
                .overrideConfiguration(c -> c.addExecutionInterceptor(storage.interceptor())).build();
    }

    /**
     * Without an access key the AWS default credential chain applies: environment, profile, container and, with the
     * STS module on the class path, web identity (IRSA on EKS).
     */
    public static S3Client create(String region, boolean pathStyle, Optional<URI> endpoint,
            Optional<String> accessKey, Optional<String> secretKey, int maxConnections) {
        return builder(region, pathStyle, endpoint, accessKey, secretKey, maxConnections).build();
    }

    private static S3ClientBuilder builder(String region, boolean pathStyle, Optional<URI> endpoint,
            Optional<String> accessKey, Optional<String> secretKey, int maxConnections) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .forcePathStyle(pathStyle)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(maxConnections));
        endpoint.ifPresent(builder::endpointOverride);
        if (accessKey.isPresent()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKey.get(), secretKey.orElseThrow())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder;
    }
}
