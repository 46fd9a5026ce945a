package dev.junction.router;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Renders a statement template with random but meaning-preserving decoration, for property tests.
 *
 * <p>Template tokens are separated by single spaces. An upper-case word is a keyword (rendered in
 * random case); a lower-case word is an identifier (randomly quoted); {@code 'S'} is a string
 * literal with random, nasty content; {@code ?} is a parameter ({@code ?} or {@code $n} on
 * PostgreSQL); anything else is copied. Between tokens goes random whitespace or a comment, and a
 * few random comments (some of them Junction hints asking for a replica) may lead the statement.
 */
final class DecoratedSql {

    private static final List<String> COMMENT_TEXT =
            List.of("x", "for update", "select 1", "junction:replica", "; delete from t", "'", "\"", "$$", "--", "#");

    private static final List<String> STRING_TEXT = List.of(
            "x", "for update", "'; delete from t; --", "*/", "/*", "$$", "\\", "select", "junction:primary", ";");

    private static final List<String> LEADING = List.of(
            "/* junction:replica */",
            "/* junction:replica consistency=eventual maxReplicaLag=1h */",
            "/* load com.example.Entity */",
            "-- hello\n",
            "/* junction:consistency=eventual */");

    private DecoratedSql() {}

    static String render(String template, Dialect dialect, long seed) {
        Random r = new Random(seed);
        boolean mysql = dialect == Dialect.MYSQL;
        StringBuilder out = new StringBuilder();
        int leading = r.nextInt(3);
        for (int i = 0; i < leading; i++) {
            out.append(LEADING.get(r.nextInt(LEADING.size()))).append(' ');
        }
        String[] tokens = template.split(" ");
        int parameter = 1;
        for (int i = 0; i < tokens.length; i++) {
            if (i > 0) {
                out.append(gap(r, mysql));
            }
            String t = tokens[i];
            if (t.equals("'S'")) {
                out.append(literal(STRING_TEXT.get(r.nextInt(STRING_TEXT.size())), mysql));
            } else if (t.equals("?")) {
                out.append(!mysql && r.nextBoolean() ? "$" + parameter++ : "?");
            } else if (t.matches("[A-Z_]+")) {
                out.append(randomCase(t, r));
            } else if (t.matches("[a-z_][a-z0-9_]*")) {
                boolean reserved = t.equals("update") || t.equals("select") || t.equals("for");
                if (reserved || r.nextInt(3) == 0) {
                    out.append(mysql ? "`" + t + "`" : "\"" + t + "\"");
                } else {
                    out.append(r.nextBoolean() || mysql ? t : t.toUpperCase(Locale.ROOT));
                }
            } else {
                out.append(t);
            }
        }
        if (r.nextInt(4) == 0) {
            out.append(gap(r, mysql));
        }
        return out.toString();
    }

    private static String gap(Random r, boolean mysql) {
        switch (r.nextInt(8)) {
            case 0:
                return "\n";
            case 1:
                return "\t  ";
            case 2:
                return " /* " + COMMENT_TEXT.get(r.nextInt(COMMENT_TEXT.size())).replace("'", "q") + " */ ";
            case 3:
                return " -- " + COMMENT_TEXT.get(r.nextInt(COMMENT_TEXT.size())) + "\n";
            case 4:
                return mysql ? " # " + COMMENT_TEXT.get(r.nextInt(COMMENT_TEXT.size())) + "\n" : "\r\n ";
            default:
                return " ";
        }
    }

    private static String literal(String content, boolean mysql) {
        String escaped = content.replace("'", "''");
        if (mysql) {
            escaped = escaped.replace("\\", "\\\\");
        }
        return "'" + escaped + "'";
    }

    private static String randomCase(String keyword, Random r) {
        StringBuilder s = new StringBuilder(keyword.length());
        for (char c : keyword.toCharArray()) {
            s.append(r.nextBoolean() ? Character.toLowerCase(c) : c);
        }
        return s.toString();
    }
}
