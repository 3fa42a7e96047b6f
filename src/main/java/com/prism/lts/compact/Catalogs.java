package com.prism.lts.compact;

import java.util.HashMap;
import java.util.Map;

import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.CompactionSettings;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.catalog.Catalog;

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
        return CatalogUtil.buildIcebergCatalog(settings.compaction().catalogName(), properties(settings), null);
    }

    /** {@code prism.compact.catalog.warehouse}, by default {@code s3://<bucket>/iceberg}. */
    static String warehouse(ArchiveSettings settings) {
        return settings.compaction().warehouse().orElse("s3://" + settings.bucket() + "/iceberg");
    }

    static Map<String, String> properties(ArchiveSettings settings) {
        CompactionSettings compaction = settings.compaction();
        Map<String, String> properties = new HashMap<>();
        properties.put(CatalogUtil.ICEBERG_CATALOG_TYPE, compaction.catalogType());
        properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse(settings));
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
            properties.put("rest.signing-region", settings.region());
        });
        properties.put(AwsClientProperties.CLIENT_REGION, settings.region());
        settings.s3Endpoint().ifPresent(endpoint -> properties.put(S3FileIOProperties.ENDPOINT, endpoint.toString()));
        properties.put(S3FileIOProperties.PATH_STYLE_ACCESS, Boolean.toString(settings.pathStyle()));
        settings.accessKey().ifPresent(key -> properties.put(S3FileIOProperties.ACCESS_KEY_ID, key));
        settings.secretKey().ifPresent(key -> properties.put(S3FileIOProperties.SECRET_ACCESS_KEY, key));
        if (!"STANDARD".equals(settings.storageClass())) {
            properties.put(S3FileIOProperties.WRITE_STORAGE_CLASS, settings.storageClass());
        }
        settings.serverSideEncryption().ifPresent(sse -> properties.put(S3FileIOProperties.SSE_TYPE, switch (sse) {
            case "AES256" -> S3FileIOProperties.SSE_TYPE_S3;
            case "aws:kms" -> S3FileIOProperties.SSE_TYPE_KMS;
            default -> S3FileIOProperties.DSSE_TYPE_KMS;
        }));
        settings.kmsKeyId().ifPresent(key -> properties.put(S3FileIOProperties.SSE_KEY, key));
        settings.tags().forEach((key, value) -> properties.put(S3FileIOProperties.WRITE_TAGS_PREFIX + key, value));
        return properties;
    }
}
