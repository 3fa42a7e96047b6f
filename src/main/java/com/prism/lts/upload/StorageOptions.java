package com.prism.lts.upload;

import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

/**
 * How archive files are stored: their S3 storage class, server-side encryption (SSE-S3, or SSE-KMS with a key id)
 * and object tags, from {@code prism.s3.storage-class}, {@code prism.s3.server-side-encryption},
 * {@code prism.s3.kms-key-id} and {@code prism.s3.tags}. Every path that uploads an archive file applies them: the
 * route's upload through {@link #interceptor()}, and a file settled on a taken key through
 * {@link #applyTo(PutObjectRequest.Builder)}. docs/storage.md says what each costs.
 *
 * @param serverSideEncryption {@code AES256} (SSE-S3), {@code aws:kms}, {@code aws:kms:dsse}; empty leaves it to the
 *                             bucket's default encryption
 */
public record StorageOptions(String storageClass, Optional<String> serverSideEncryption, Optional<String> kmsKeyId,
        Map<String, String> tags) {

    /** S3's own default; not sent, so that a store that knows no storage classes takes the request as before. */
    public static final String STANDARD = "STANDARD";

    /** Storage only as S3 stores objects by default: nothing added to a request. */
    public static final StorageOptions DEFAULT = new StorageOptions(STANDARD, Optional.empty(), Optional.empty(),
            Map.of());

    /**
     * The same encryption and tags for objects that are not archive files and live briefly (the commit states of
     * partitions with many open days): a bucket policy may demand the encryption, but a colder storage class would
     * charge its minimum duration for each of them.
     */
    public StorageOptions inStandardClass() {
        return new StorageOptions(STANDARD, serverSideEncryption, kmsKeyId, tags);
    }

    /** Adds these options to an upload of an archive file. */
    public PutObjectRequest.Builder applyTo(PutObjectRequest.Builder request) {
        if (!STANDARD.equals(storageClass)) {
            request.storageClass(storageClass);
        }
        serverSideEncryption.ifPresent(request::serverSideEncryption);
        kmsKeyId.ifPresent(request::ssekmsKeyId);
        if (!tags.isEmpty()) {
            request.tagging(Tagging.builder().tagSet(tags.entrySet().stream()
                    .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build()).toList()).build());
        }
        return request;
    }

    /**
     * Applies these options to every upload of the S3 client it is given to. The route's upload goes through
     * camel-aws2-s3, whose upload takes a storage class but no tags, and SSE-KMS only with a key id: the client it
     * uploads with adds them all instead.
     */
    public ExecutionInterceptor interceptor() {
        return new ExecutionInterceptor() {
            @Override
            public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
                return context.request() instanceof PutObjectRequest put ? applyTo(put.toBuilder()).build()
                        : context.request();
            }
        };
    }
}
