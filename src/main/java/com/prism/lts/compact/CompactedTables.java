package com.prism.lts.compact;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import com.prism.lts.ToolFailure;
import com.prism.lts.config.CompactionSettings;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The compacted tables as the tools that read them see them ({@code audit}, {@code restore}): the catalog the
 * {@code prism.compact.*} settings name, reached with the tool's own S3 options. The embedded catalog's file is never
 * created here: where it does not exist, nothing was compacted with it, and there is no table.
 */
public final class CompactedTables implements AutoCloseable {

    private final CompactionSettings settings;
    private final Catalog catalog;
    private final String none;

    private CompactedTables(CompactionSettings settings, Catalog catalog, String none) {
        this.settings = settings;
        this.catalog = catalog;
        this.none = none;
    }

    static CompactedTables open(CompactionSettings settings, Catalogs.Storage storage) {
        Optional<Path> file = embeddedFile(settings);
        if (file.isPresent() && !Files.isRegularFile(file.get())) {
            return new CompactedTables(settings, null, "the embedded catalog " + file.get() + " does not exist");
        }
        try {
            return new CompactedTables(settings, Catalogs.create(settings, storage), "");
        } catch (RuntimeException e) {
            throw new ToolFailure("could not open the catalog of the compacted tables (" + settings.catalogType() + " "
                    + settings.catalogUri() + "): " + Retrying.rootMessage(e));
        }
    }

    /** The SQLite file of an embedded catalog; empty for any other catalog. */
    private static Optional<Path> embeddedFile(CompactionSettings settings) {
        String uri = settings.catalogUri();
        if (!settings.catalogType().equals("jdbc") || !uri.startsWith("jdbc:sqlite:")) {
            return Optional.empty();
        }
        String file = uri.substring("jdbc:sqlite:".length()).replaceFirst("^file:", "").replaceFirst("\\?.*", "");
        return Optional.of(Path.of(file.isEmpty() || file.equals(":memory:") ? ":memory:" : file));
    }

    /** The compacted table of {@code topic}; empty when there is none. */
    public Optional<Table> table(String topic) {
        if (catalog == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(catalog.loadTable(Catalogs.tableId(settings, topic)));
        } catch (NoSuchTableException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new ToolFailure("could not load the compacted table " + Catalogs.tableId(settings, topic)
                    + " from the catalog (" + settings.catalogType() + " " + settings.catalogUri() + "): "
                    + Retrying.rootMessage(e));
        }
    }

    /** Why there is no table for any topic, such as a catalog file that does not exist; empty when there is a catalog. */
    public Optional<String> none() {
        return none.isEmpty() ? Optional.empty() : Optional.of(none);
    }

    @Override
    public void close() {
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // the tool's work is done; nothing was written through the catalog
            }
        }
    }
}
