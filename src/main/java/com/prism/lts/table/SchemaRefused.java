package com.prism.lts.table;

/**
 * A writer schema whose events the table cannot hold, or cannot hold beside the schemas it already holds; the message
 * is one sentence naming the schema ids. The days with such events stay as they are, fully readable small files.
 */
public final class SchemaRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SchemaRefused(String message) {
        super(message);
    }
}
