package com.prism.lts.compact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import com.prism.lts.config.ArchiveSettings;
import com.prism.lts.config.SettingDefaults;
import org.junit.jupiter.api.Test;

/** The catalog and S3FileIO properties the compactor builds from the settings: the archive's own S3, every catalog. */
class CatalogsTest {

    @Test
    void the_tables_files_are_stored_as_the_archives_endpoint_credentials_class_encryption_and_tags() {
        Map<String, String> properties = Catalogs.properties(settings(Map.of(
                "prism.s3.endpoint", "http://minio:9000", "prism.s3.path-style", "true",
                "prism.s3.access-key", "key", "prism.s3.secret-key", "secret",
                "prism.s3.storage-class", "GLACIER_IR", "prism.s3.server-side-encryption", "aws:kms",
                "prism.s3.kms-key-id", "alias/prism", "prism.s3.tags", "team=data")));

        assertThat(properties).containsEntry("type", "jdbc")
                .containsEntry("uri", "jdbc:sqlite:prism-catalog.db")
                .containsEntry("warehouse", "s3://prism-lts/iceberg")
                .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("s3.endpoint", "http://minio:9000")
                .containsEntry("s3.path-style-access", "true")
                .containsEntry("s3.access-key-id", "key")
                .containsEntry("s3.secret-access-key", "secret")
                .containsEntry("s3.write.storage-class", "GLACIER_IR")
                .containsEntry("s3.sse.type", "kms")
                .containsEntry("s3.sse.key", "alias/prism")
                .containsEntry("s3.write.tags.team", "data")
                .containsEntry("client.region", "us-east-1");
    }

    @Test
    void a_rest_catalog_is_signed_for_its_aws_service_or_given_a_credential() {
        Map<String, String> glueRest = Catalogs.properties(settings(Map.of(
                "prism.compact.catalog.type", "rest",
                "prism.compact.catalog.uri", "https://glue.eu-west-1.amazonaws.com/iceberg",
                "prism.compact.catalog.warehouse", "123456789012",
                "prism.compact.catalog.sigv4-service", "glue", "prism.s3.region", "eu-west-1")));
        Map<String, String> polaris = Catalogs.properties(settings(Map.of(
                "prism.compact.catalog.type", "rest", "prism.compact.catalog.uri", "https://polaris:8181/api/catalog",
                "prism.compact.catalog.credential", "client:secret")));

        assertThat(glueRest).containsEntry("type", "rest").containsEntry("warehouse", "123456789012")
                .containsEntry("rest.auth.type", "sigv4").containsEntry("rest.signing-name", "glue")
                .containsEntry("rest.signing-region", "eu-west-1");
        assertThat(polaris).containsEntry("credential", "client:secret").doesNotContainKey("rest.auth.type");
    }

    @Test
    void the_glue_catalog_needs_no_uri() {
        Map<String, String> glue = Catalogs.properties(settings(Map.of("prism.compact.catalog.type", "glue",
                "prism.compact.catalog.uri", "")));

        assertThat(glue).containsEntry("type", "glue").doesNotContainKey("uri")
                .containsEntry("warehouse", "s3://prism-lts/iceberg");
    }

    private static ArchiveSettings settings(Map<String, String> overrides) {
        Properties defaults = SettingDefaults.builtIn();
        Map<String, String> settings = new HashMap<>(overrides);
        settings.putIfAbsent("prism.schema-directory", "/tmp");
        return ArchiveSettings.from(name -> Optional.ofNullable(settings.getOrDefault(name,
                defaults.getProperty(name))).filter(value -> !value.isBlank()));
    }
}
