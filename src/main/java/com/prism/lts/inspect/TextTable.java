package com.prism.lts.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table: text columns on the left, aligned left; number columns after them, aligned right. */
public final class TextTable {

    private static final String GAP = "  ";

    private final int textColumns;
    private final List<String[]> rows = new ArrayList<>();

    public TextTable(int textColumns, String... header) {
        this.textColumns = textColumns;
        rows.add(header);
    }

    /** Adds a row; numbers are written with thousands separators. */
    public TextTable row(Object... cells) {
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] instanceof Number number ? String.format(Locale.ROOT, "%,d", number.longValue())
                    : String.valueOf(cells[i]);
        }
        rows.add(row);
        return this;
    }

    public List<String> lines() {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String pad = " ".repeat(widths[i] - row[i].length());
                line.append(i == 0 ? "" : GAP).append(i < textColumns ? row[i] + pad : pad + row[i]);
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
