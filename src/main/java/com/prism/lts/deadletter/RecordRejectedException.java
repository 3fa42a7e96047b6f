package com.prism.lts.deadletter;

/**
 * A record that can never be archived, however often it is retried. Anything else that goes wrong while a record is
 * read is treated as transient and retried, never dead-lettered.
 */
public final class RecordRejectedException extends Exception {

    private final RejectReason reason;

    public RecordRejectedException(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
