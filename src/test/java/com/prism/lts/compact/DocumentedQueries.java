package com.prism.lts.compact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queries docs/compaction.md shows under a heading of its section "Queries", as a reader copies them: the tests
 * of the engines that run here (DuckDB, Spark) run exactly these, so that the documentation cannot drift from what
 * works.
 */
final class DocumentedQueries {

    static final Path DOC = Path.of("docs", "compaction.md");

    private DocumentedQueries() {
    }

    /** The statements (each ends with {@code ;}, comments dropped) of the first SQL block under {@code heading}. */
    static List<String> under(String heading) {
        String doc;
        try {
            doc = Files.readString(DOC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int at = doc.indexOf("\n" + heading + "\n");
        if (at < 0) {
            throw new IllegalStateException(DOC + " has no heading " + heading);
        }
        Matcher block = Pattern.compile("```sql\n(.*?)```", Pattern.DOTALL).matcher(doc);
        if (!block.find(at)) {
            throw new IllegalStateException(DOC + " has no SQL block under " + heading);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder statement = new StringBuilder();
        for (String line : block.group(1).split("\n")) {
            if (line.startsWith("--")) {
                continue;
            }
            statement.append(statement.isEmpty() ? "" : "\n").append(line);
            if (line.endsWith(";")) {
                statements.add(statement.substring(0, statement.length() - 1));
                statement.setLength(0);
            }
        }
        return statements;
    }
}
