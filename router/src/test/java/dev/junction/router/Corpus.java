package dev.junction.router;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Loads a {@code *.sql-corpus} test resource; the format is described at the top of each file. */
final class Corpus {

    /** Expected route of a corpus statement. */
    enum Route {
        PRIMARY,
        REPLICA
    }

    /**
     * One corpus statement.
     *
     * @param tablesRead expected tables, or {@code null} when not checked
     * @param tablesWritten expected tables, or {@code null} when not checked
     */
    record Entry(
            Dialect dialect,
            String section,
            int line,
            StatementKind kind,
            Route route,
            Set<String> tablesRead,
            Set<String> tablesWritten,
            String sql) {

        boolean isDml() {
            return (kind == StatementKind.READ || kind == StatementKind.WRITE) && tablesRead != null;
        }

        @Override
        public String toString() {
            return dialect + ":" + line + " " + sql.replace('\n', ' ');
        }
    }

    private Corpus() {}

    static List<Entry> load(Dialect dialect) {
        String resource = dialect == Dialect.POSTGRESQL ? "/corpus/postgresql.sql-corpus" : "/corpus/mysql.sql-corpus";
        String text;
        try (InputStream in = Corpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing test resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + resource, e);
        }
        List<Entry> entries = new ArrayList<>();
        String section = "";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.startsWith("## ")) {
                section = line.substring(3).trim();
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            StringBuilder full = new StringBuilder(line);
            while (full.toString().endsWith(" \\") && i + 1 < lines.length) {
                full.setLength(full.length() - 2);
                full.append('\n').append(lines[++i]);
            }
            String[] f = full.toString().split("\\|", 5);
            if (f.length != 5) {
                throw new IllegalStateException(resource + ":" + number + ": expected KIND|ROUTE|read|written|sql");
            }
            entries.add(new Entry(
                    dialect,
                    section,
                    number,
                    StatementKind.valueOf(f[0].trim()),
                    Route.valueOf(f[1].trim()),
                    tables(f[2]),
                    tables(f[3]),
                    f[4]));
        }
        return entries;
    }

    private static Set<String> tables(String field) {
        String f = field.trim();
        if (f.equals("*")) {
            return null;
        }
        if (f.equals("-")) {
            return Set.of();
        }
        return new LinkedHashSet<>(Arrays.asList(f.split(",")));
    }
}
