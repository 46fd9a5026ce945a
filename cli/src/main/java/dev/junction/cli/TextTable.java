package dev.junction.cli;

import java.util.List;

/** A plain-text table with a header row, columns padded to their widest cell. */
final class TextTable {
    private final List<String[]> rows;

    TextTable(List<String[]> rows) {
        this.rows = rows;
    }

    String render() {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            appendRow(text, rows.get(r), widths);
            if (r == 0) {
                String[] rule = new String[columns];
                for (int c = 0; c < columns; c++) {
                    rule[c] = "-".repeat(widths[c]);
                }
                appendRow(text, rule, widths);
            }
        }
        return text.toString();
    }

    private static void appendRow(StringBuilder text, String[] row, int[] widths) {
        text.append("  ");
        for (int c = 0; c < row.length; c++) {
            text.append(String.format("%-" + widths[c] + "s", row[c]));
            if (c < row.length - 1) {
                text.append("  ");
            }
        }
        text.append('\n');
    }
}
