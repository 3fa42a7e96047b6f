package com.prism.lts.upload;

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

    /**
     * Without an access key the AWS default credential chain applies: environment, profile, container and, with the
     * STS module on the class path, web identity (IRSA on EKS).
     */
    public static S3Client create(ArchiveSettings settings) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(
                        Math.max(50, 2 * settings.uploadConcurrency())));
        settings.s3Endpoint().ifPresent(builder::endpointOverride);
        if (settings.accessKey().isPresent()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().orElseThrow())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder.build();
    }
}
