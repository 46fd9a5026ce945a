package dev.junction.conflict;

import static dev.junction.conflict.SqlNames.isName;

import dev.junction.conflict.Stamping.Stamped.Slot;
import dev.junction.router.Dialect;
import dev.junction.router.internal.SqlToken;
import dev.junction.router.internal.TokenType;
import java.util.ArrayList;
import java.util.List;

/**
 * The stamping of a {@code counter} table (design §8: a PN-counter as one row per key and origin): the application's
 * increment {@code UPDATE t SET c = c + ? WHERE k = ?} becomes an upsert of this master's own row of the key,
 * {@code INSERT INTO t (k, _origin, c, _hlc) VALUES (?, origin, ?, stamp)} that adds to it when it exists. Each row
 * is written only on its own master, so the masters never write the same row and there is nothing to resolve; a
 * counter's value is the sum of its rows ({@code SELECT sum(c) FROM t WHERE k = ?}). Only that form is taken: every
 * other write of a counter table is refused.
 */
final class CounterIncrements {
    static final String FORM = "a counter table takes increments only, as UPDATE t SET c = c + ? [, d = d - ?] WHERE"
            + " k = ? [AND l = ?] (single values, no alias); the first increment of a key creates this master's row,"
            + " and its value is the sum of its rows";

    private CounterIncrements() {}

    /** One {@code c = c ± v} of the SET list. */
    private record Increment(SqlToken column, boolean minus, SqlToken value) {}

    /** One {@code k = v} of the WHERE clause. */
    private record KeyValue(SqlToken column, SqlToken value) {}

    /**
     * The upsert for the UPDATE in {@code tokens[0, end)}, whose target, {@code name[nameStart, nameEnd)}, is a
     * counter table; null when it is not of the one form taken.
     */
    static Stamping.Stamped stamp(
            String table, List<SqlToken> tokens, int nameStart, int nameEnd, int end, String sql, Dialect dialect) {
        int i = nameEnd;
        if (i >= end || !"SET".equals(tokens.get(i).keyword())) {
            return null;
        }
        i++;
        List<Increment> increments = new ArrayList<>();
        while (true) {
            if (i + 4 >= end) {
                return null;
            }
            SqlToken column = tokens.get(i);
            SqlToken equals = tokens.get(i + 1);
            SqlToken same = tokens.get(i + 2);
            SqlToken operator = tokens.get(i + 3);
            SqlToken value = tokens.get(i + 4);
            if (!isName(column)
                    || !equals.text().equals("=")
                    || !isName(same)
                    || !same.text().equalsIgnoreCase(column.text())
                    || operator.type() != TokenType.OPERATOR
                    || !(operator.text().equals("+") || operator.text().equals("-"))
                    || !isValue(value)
                    || MetadataName.is(column)) {
                return null;
            }
            increments.add(new Increment(column, operator.text().equals("-"), value));
            i += 5;
            if (i < end && tokens.get(i).type() == TokenType.COMMA) {
                i++;
                continue;
            }
            break;
        }
        if (i >= end || !"WHERE".equals(tokens.get(i).keyword())) {
            return null;
        }
        i++;
        List<KeyValue> keys = new ArrayList<>();
        while (true) {
            if (i + 2 >= end) {
                return null;
            }
            SqlToken column = tokens.get(i);
            SqlToken equals = tokens.get(i + 1);
            SqlToken value = tokens.get(i + 2);
            if (!isName(column) || !equals.text().equals("=") || !isValue(value) || MetadataName.is(column)) {
                return null;
            }
            keys.add(new KeyValue(column, value));
            i += 3;
            if (i < end && "AND".equals(tokens.get(i).keyword())) {
                i++;
                continue;
            }
            break;
        }
        if (i != end) {
            return null;
        }
        return build(table, tokens, nameStart, nameEnd, sql, dialect, increments, keys);
    }

    private static Stamping.Stamped build(
            String table,
            List<SqlToken> tokens,
            int nameStart,
            int nameEnd,
            String sql,
            Dialect dialect,
            List<Increment> increments,
            List<KeyValue> keys) {
        // The application's parameters, numbered in the order they appear in its text.
        java.util.Map<SqlToken, Integer> ordinals = new java.util.IdentityHashMap<>();
        int ordinal = 0;
        for (SqlToken token : tokens) {
            if (token.type() == TokenType.PARAMETER) {
                ordinals.put(token, ++ordinal);
            }
        }
        String name = sql.substring(
                tokens.get(nameStart).start(), tokens.get(nameEnd - 1).end());
        boolean postgres = dialect == Dialect.POSTGRESQL;
        List<String> fragments = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        StringBuilder text = new StringBuilder("INSERT INTO ").append(name).append(" (");
        for (KeyValue key : keys) {
            text.append(key.column().text()).append(", ");
        }
        text.append(MetadataColumns.ORIGIN);
        for (Increment increment : increments) {
            text.append(", ").append(increment.column().text());
        }
        text.append(", ").append(MetadataColumns.HLC).append(") VALUES (");
        for (KeyValue key : keys) {
            value(text, key.value(), false, ordinals, order);
            text.append(", ");
        }
        slot(text, Slot.ORIGIN, fragments, slots, order);
        for (Increment increment : increments) {
            text.append(", ");
            value(text, increment.value(), increment.minus(), ordinals, order);
        }
        text.append(", ");
        slot(text, Slot.HLC, fragments, slots, order);
        text.append(")");
        List<String> assignments = new ArrayList<>();
        for (Increment increment : increments) {
            String column = increment.column().text();
            assignments.add(
                    postgres
                            ? column + " = " + name + "." + column + " + EXCLUDED." + column
                            : column + " = " + column + " + VALUES(" + column + ")");
        }
        assignments.add(
                postgres
                        ? MetadataColumns.HLC + " = GREATEST(" + name + "." + MetadataColumns.HLC + " + 1, EXCLUDED."
                                + MetadataColumns.HLC + ")"
                        : MetadataColumns.HLC + " = GREATEST(" + MetadataColumns.HLC + " + 1, VALUES("
                                + MetadataColumns.HLC + "))");
        if (postgres) {
            text.append(" ON CONFLICT (");
            for (KeyValue key : keys) {
                text.append(key.column().text()).append(", ");
            }
            text.append(MetadataColumns.ORIGIN).append(") DO UPDATE SET ");
        } else {
            text.append(" ON DUPLICATE KEY UPDATE ");
        }
        text.append(String.join(", ", assignments));
        fragments.add(text.toString());
        return new Stamping.Stamped(table, fragments, slots, order, dialect == Dialect.MYSQL, 1);
    }

    private static void value(
            StringBuilder text,
            SqlToken value,
            boolean minus,
            java.util.Map<SqlToken, Integer> ordinals,
            List<Integer> order) {
        text.append(minus ? "(0 - " : "").append(value.text()).append(minus ? ")" : "");
        Integer parameter = ordinals.get(value);
        if (parameter != null) {
            order.add(parameter);
        }
    }

    private static void slot(
            StringBuilder text, Slot slot, List<String> fragments, List<Slot> slots, List<Integer> order) {
        fragments.add(text.toString());
        text.setLength(0);
        slots.add(slot);
        order.add(TextEdits.parameterOf(slot));
    }

    /** A single value: a {@code ?} parameter, a number or a string. */
    private static boolean isValue(SqlToken token) {
        return token != null
                && (token.type() == TokenType.NUMBER
                        || token.type() == TokenType.STRING
                        || token.type() == TokenType.PARAMETER && token.text().equals("?"));
    }

    /** Whether a name token is one of the metadata columns (any case, quoted or not). */
    private static final class MetadataName {
        static boolean is(SqlToken token) {
            String text = token.text().replace("\"", "").replace("`", "").toLowerCase(java.util.Locale.ROOT);
            return text.equals(MetadataColumns.HLC)
                    || text.equals(MetadataColumns.ORIGIN)
                    || text.equals(MetadataColumns.DELETED)
                    || text.equals(MetadataColumns.VECTOR);
        }
    }
}
