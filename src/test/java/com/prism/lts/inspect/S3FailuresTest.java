package com.prism.lts.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3FailuresTest {

    static String message(Exception e) {
        return S3Failures.describe((SdkException) e, "http://s3:9000",
                "archive", "topics/a.avro").getMessage();
    }

    @Test
    void each_failure_says_what_to_look_at() {
        assertThat(message(NoSuchBucketException.builder().build()))
                .isEqualTo("bucket archive does not exist at http://s3:9000");
        assertThat(message(NoSuchKeyException.builder().build()))
                .isEqualTo("there is no object s3://archive/topics/a.avro at http://s3:9000");
        assertThat(message(S3Exception.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SignatureDoesNotMatch").build()).build()))
                .isEqualTo("http://s3:9000 refused access to bucket archive: check --access-key and --secret-key"
                        + " (HTTP 403 SignatureDoesNotMatch)");
        assertThat(message(S3Exception.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError").build()).build()))
                .isEqualTo("http://s3:9000 answered HTTP 500 InternalError for s3://archive/topics/a.avro");
    }

    @Test
    void an_unreachable_endpoint_is_named_with_the_reason() {
        assertThat(message(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused"))))
                .isEqualTo("cannot reach S3 at http://s3:9000 (Connection refused)");
        assertThat(message(SdkClientException.create("Unable to execute HTTP request",
                new UnknownHostException("s3"))))
                .isEqualTo("cannot reach S3 at http://s3:9000 (unknown host)");
    }

    @Test
    void missing_credentials_say_where_to_give_them() {
        assertThat(message(SdkClientException.create("Unable to load credentials from any provider\nmore detail")))
                .startsWith("no S3 credentials: give --access-key and --secret-key");
    }

    @Test
    void anything_else_keeps_the_first_line_of_the_sdk_message() {
        assertThat(message(SdkClientException.create("Unable to marshall request\nmore detail")))
                .isEqualTo("S3 request to http://s3:9000 failed: Unable to marshall request");
    }
}
