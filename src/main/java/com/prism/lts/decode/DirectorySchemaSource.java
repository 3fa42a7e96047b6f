package com.prism.lts.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.prism.lts.deadletter.RecordRejectedException;
import com.prism.lts.deadletter.RejectReason;
import org.apache.avro.Schema;

/** Writer schemas kept as files named by their id ({@code 42.avsc}), for setups without a schema registry. */
public final class DirectorySchemaSource implements SchemaSource {

    private final Path directory;

    public DirectorySchemaSource(Path directory) {
        this.directory = directory;
    }

    @Override
    public Schema schema(int id) throws RecordRejectedException, IOException {
        Path file = directory.resolve(id + ".avsc");
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RecordRejectedException(RejectReason.UNKNOWN_SCHEMA,
                    "schema id " + id + " is unknown: there is no " + file);
        }
        return SchemaSource.parse(id, json, file.toString());
    }

    @Override
    public String describe() {
        return "schema directory " + directory.toAbsolutePath();
    }

    /** Writes a schema where this source will find it: how tools without a registry publish one. */
    public static void publish(Path directory, int id, Schema schema) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(id + ".avsc"), schema.toString(true), StandardCharsets.UTF_8);
    }
}
