package com.prism.lts.deadletter;

/** Why a record can never be archived. The code travels with the record to the dead-letter topic. */
public enum RejectReason {
    NULL_VALUE("null-value"),
    NOT_WIRE_FORMAT("not-wire-format"),
    UNKNOWN_SCHEMA("unknown-schema"),
    INVALID_AVRO("invalid-avro"),
    MISSING_METRIC_DATE("missing-metric-date"),
    UNREADABLE_METRIC_DATE("unreadable-metric-date");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
