package com.prism.lts;

/**
 * A tool could not do its job for a reason the user can act on: an unreachable server, a missing bucket, a file that
 * is not what it should be. The message says which, in one line; the command line prints it instead of a stack trace.
 */
public final class ToolFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ToolFailure(String message) {
        super(message);
    }
}
