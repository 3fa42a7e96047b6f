package com.prism.lts.compact;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.CompactionSettings;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The Iceberg catalog of the compacted tables, from the settings: the embedded one ({@code jdbc}: Iceberg's
 * {@code JdbcCatalog} on a SQLite file, for the sandbox and tests), a REST catalog (AWS Glue's Iceberg endpoint, S3
 * Tables, Polaris, Nessie; signed with SigV4 when {@code prism.compact.catalog.sigv4-service} is set) or the Glue
 * catalog. Data and metadata files go through Iceberg's {@code S3FileIO} with the archive's own S3 settings: endpoint,
 * path style, credentials, storage class, server-side encryption and tags.
 */
final class Catalogs {

    private Catalogs() {
    }

    static Catalog create(ArchiveSettings settings) {
        return create(settings.compaction(), Storage.of(settings));
    }

    static Catalog create(CompactionSettings compaction, Storage storage) {
        return CatalogUtil.buildIcebergCatalog(compaction.catalogName(), properties(compaction, storage), null);
    }

    /** {@code prism.compact.catalog.warehouse}, by default {@code s3://<bucket>/iceberg}. */
    static String warehouse(CompactionSettings compaction, String bucket) {
        return compaction.warehouse().orElse("s3://" + bucket + "/iceberg");
    }

    /** The table of {@code topic}: {@code prism.compact.namespace}.{@code prism.compact.table}. */
    static TableIdentifier tableId(CompactionSettings compaction, String topic) {
        return TableIdentifier.of(Namespace.of(compaction.namespace().split("\\.")), compaction.table(topic));
    }

    static Map<String, String> properties(ArchiveSettings settings) {
        return properties(settings.compaction(), Storage.of(settings));
    }

    static Map<String, String> properties(CompactionSettings compaction, Storage storage) {
        Map<String, String> properties = new HashMap<>();
        properties.put(CatalogUtil.ICEBERG_CATALOG_TYPE, compaction.catalogType());
        properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse(compaction, storage.bucket()));
        properties.put(CatalogProperties.FILE_IO_IMPL, S3FileIO.class.getName());
        if (!compaction.catalogUri().isEmpty()) {
            properties.put(CatalogProperties.URI, compaction.catalogUri());
        }
        // the embedded catalog's newer table layout (views too), so that it never needs migrating
        properties.put("jdbc.schema-version", "V1");
        compaction.catalogCredential().ifPresent(credential -> properties.put("credential", credential));
        compaction.sigv4Service().ifPresent(service -> {
            properties.put("rest.auth.type", "sigv4");
            properties.put("rest.signing-name", service);
            properties.put("rest.signing-region", storage.region());
        });
        properties.put(AwsClientProperties.CLIENT_REGION, storage.region());
        storage.endpoint().ifPresent(endpoint -> properties.put(S3FileIOProperties.ENDPOINT, endpoint.toString()));
        properties.put(S3FileIOProperties.PATH_STYLE_ACCESS, Boolean.toString(storage.pathStyle()));
        storage.accessKey().ifPresent(key -> properties.put(S3FileIOProperties.ACCESS_KEY_ID, key));
        storage.secretKey().ifPresent(key -> properties.put(S3FileIOProperties.SECRET_ACCESS_KEY, key));
        if (!"STANDARD".equals(storage.storageClass())) {
            properties.put(S3FileIOProperties.WRITE_STORAGE_CLASS, storage.storageClass());
        }
        storage.serverSideEncryption().ifPresent(sse -> properties.put(S3FileIOProperties.SSE_TYPE, switch (sse) {
            case "AES256" -> S3FileIOProperties.SSE_TYPE_S3;
            case "aws:kms" -> S3FileIOProperties.SSE_TYPE_KMS;
            default -> S3FileIOProperties.DSSE_TYPE_KMS;
        }));
        storage.kmsKeyId().ifPresent(key -> properties.put(S3FileIOProperties.SSE_KEY, key));
        storage.tags().forEach((key, value) -> properties.put(S3FileIOProperties.WRITE_TAGS_PREFIX + key, value));
        return properties;
    }

    /**
     * The S3 that Iceberg's {@code S3FileIO} reads and writes the tables' files on: the archive's own, with its
     * endpoint, credentials, storage class, encryption and tags.
     */
    record Storage(String bucket, String region, Optional<URI> endpoint, boolean pathStyle,
            Optional<String> accessKey, Optional<String> secretKey, String storageClass,
            Optional<String> serverSideEncryption, Optional<String> kmsKeyId, Map<String, String> tags) {

        static Storage of(ArchiveSettings settings) {
            return new Storage(settings.bucket(), settings.region(), settings.s3Endpoint(), settings.pathStyle(),
                    settings.accessKey(), settings.secretKey(), settings.storageClass(),
                    settings.serverSideEncryption(), settings.kmsKeyId(), settings.tags());
        }

        /** For a tool that only reads: the S3 its own options name. */
        static Storage forReading(String bucket, String region, Optional<URI> endpoint, boolean pathStyle,
                Optional<String> accessKey, Optional<String> secretKey) {
            return new Storage(bucket, region, endpoint, pathStyle, accessKey, secretKey, "STANDARD",
                    Optional.empty(), Optional.empty(), Map.of());
        }
    }
}
