package dev.junction.conflict;

import dev.junction.conflict.Stamping.Stamped.Slot;
import dev.junction.router.Dialect;
import dev.junction.router.internal.SqlToken;
import dev.junction.router.internal.SqlTokenizer;
import dev.junction.router.internal.TokenType;
import dev.junction.router.internal.TokenizedSql;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites the writes of opted-in tables so that they carry {@code _hlc} and {@code _origin} (design §8): an INSERT
 * with a column list and VALUES rows gets both columns and a slot for each in every row; an UPDATE sets
 * {@code _hlc = GREATEST(t._hlc + 1, stamp)} (a local update is always later than the row it replaces, and never
 * earlier than the writer's clock) and {@code _origin}. Every other write of an opted-in table is {@link
 * Stamping.Refused refused} with what to do instead: unstamped, it could overwrite a newer row on another master,
 * which is worse than an error. Works on the router's tokens, so that comments, strings and quoted names are never
 * read as code. Thread-safe and stateless past its configuration.
 */
public final class StatementStamper {
    private static final Set<String> METADATA_COLUMNS =
            Set.of(MetadataColumns.HLC, MetadataColumns.ORIGIN, MetadataColumns.DELETED, MetadataColumns.VECTOR);
    /** Words that end an UPDATE's SET list. */
    private static final Set<String> AFTER_SET = Set.of("FROM", "WHERE", "RETURNING", "ORDER", "LIMIT");
    /** Words that begin a statement that may write a table it names. */
    private static final Set<String> WRITING = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE");

    private final Dialect dialect;
    private final List<TableName> tables;

    /** A configured table: its schema (null for any) and name, lower-cased, and whether it is a counter table. */
    private record TableName(String configured, String schema, String name, boolean counter) {
        static TableName of(String configured, ConflictPolicy policy) {
            String lower = configured.trim().toLowerCase(Locale.ROOT);
            int dot = lower.lastIndexOf('.');
            return new TableName(
                    configured.trim(),
                    dot < 0 ? null : lower.substring(0, dot),
                    dot < 0 ? lower : lower.substring(dot + 1),
                    policy == ConflictPolicy.COUNTER);
        }
    }

    /**
     * @param tables the opted-in tables as configured: {@code t} (in any schema) or {@code schema.t}; names compare
     *     case-insensitively, quoted or not
     */
    public StatementStamper(Dialect dialect, Collection<String> tables) {
        this(dialect, allLastWriterWins(tables));
    }

    private static Map<String, ConflictPolicy> allLastWriterWins(Collection<String> tables) {
        Map<String, ConflictPolicy> policies = new java.util.LinkedHashMap<>();
        tables.forEach(table -> policies.put(table, ConflictPolicy.LWW));
        return policies;
    }

    /**
     * @param tables the opted-in tables as configured, each with its policy: {@code lww} tables get stamped INSERTs
     *     and UPDATEs, {@code counter} tables take increments only ({@link CounterIncrements}); {@code version-vector}
     *     is not stamped here
     */
    public StatementStamper(Dialect dialect, Map<String, ConflictPolicy> tables) {
        this.dialect = dialect;
        this.tables = tables.entrySet().stream()
                .map(entry -> TableName.of(entry.getKey(), entry.getValue()))
                .toList();
    }

    /** What {@code sql} becomes: untouched, stamped, or refused. */
    public Stamping stamp(String sql) {
        TokenizedSql tokenized = SqlTokenizer.tokenize(sql, dialect);
        List<SqlToken> tokens = tokenized.tokens();
        TableName mentioned = firstMentioned(tokens);
        if (mentioned == null) {
            return Stamping.UNTOUCHED; // the common case: one pass over the tokens, nothing built
        }
        if (tokenized.malformed() || tokenized.gatedComments() > 0) {
            return refused(
                    mentioned,
                    "its text could not be read with certainty (unterminated, or a version-gated"
                            + " comment whose code runs on some servers only); write it plainly");
        }
        int end = tokens.size();
        if (end > 0 && tokens.get(end - 1).type() == TokenType.SEMICOLON) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            if (tokens.get(i).type() == TokenType.SEMICOLON) {
                return writes(tokens)
                        ? refused(mentioned, "several statements in one text write it; run them one by one")
                        : Stamping.UNTOUCHED;
            }
        }
        String first = end == 0 ? "" : keyword(tokens.get(0));
        return switch (first) {
            case "INSERT" -> insert(sql, tokens, end);
            case "UPDATE" -> update(sql, tokens, end);
            case "DELETE" -> delete(tokens, end);
            case "REPLACE", "MERGE", "TRUNCATE" ->
                refused(mentioned, first + " cannot be stamped; write it as INSERT and UPDATE statements");
            case "WITH" ->
                writes(tokens)
                        ? refused(mentioned, "a WITH statement that writes cannot be stamped; write it without WITH")
                        : Stamping.UNTOUCHED;
            default -> Stamping.UNTOUCHED;
        };
    }

    private Stamping insert(String sql, List<SqlToken> tokens, int end) {
        int i = 1;
        boolean ignore = false;
        while (i < end
                && Set.of("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE").contains(keyword(tokens.get(i)))) {
            ignore |= "IGNORE".equals(keyword(tokens.get(i)));
            i++;
        }
        if (i < end && "INTO".equals(keyword(tokens.get(i)))) {
            i++;
        }
        int nameStart = i;
        i = skipName(tokens, i, end);
        TableName table = i == nameStart ? null : conflictTable(tokens, nameStart, i);
        if (table == null) {
            return mentionsAny(tokens, 0, end) && i == nameStart
                    ? refusedAny(tokens, "an INSERT whose table cannot be read")
                    : Stamping.UNTOUCHED;
        }
        if (table.counter()) {
            return refused(table, CounterIncrements.FORM);
        }
        if (ignore) {
            return refused(table, "INSERT IGNORE cannot be stamped; insert the row, or update it when it exists");
        }
        String qualifier =
                sql.substring(tokens.get(nameStart).start(), tokens.get(i - 1).end());
        if (i + 1 < end && "AS".equals(keyword(tokens.get(i)))) {
            qualifier = tokens.get(i + 1).text(); // PostgreSQL's alias of the target, which ON CONFLICT names it by
            i += 2;
        }
        if (i >= end || tokens.get(i).type() != TokenType.LEFT_PAREN) {
            return refused(table, "an INSERT without a column list cannot be stamped; name the columns it sets");
        }
        int columnsClose = closing(tokens, i, end);
        if (columnsClose < 0 || columnsClose == i + 1) {
            return refused(table, "its column list could not be read; name the columns it sets");
        }
        String metadata = metadataIn(tokens, i + 1, columnsClose);
        if (metadata != null) {
            return refused(table, metadata + " is Junction's to write; leave it out of the statement");
        }
        Builder builder = new Builder(sql, tokens);
        builder.insert(tokens.get(columnsClose - 1).end(), ", " + MetadataColumns.HLC + ", " + MetadataColumns.ORIGIN);
        i = columnsClose + 1;
        if (i >= end || !Set.of("VALUES", "VALUE").contains(keyword(tokens.get(i)))) {
            return refused(
                    table,
                    "only INSERT … VALUES can be stamped (not INSERT … SELECT, SET or DEFAULT VALUES);"
                            + " insert the rows with VALUES");
        }
        i++;
        while (true) {
            if (i >= end || tokens.get(i).type() != TokenType.LEFT_PAREN) {
                return refused(table, "its VALUES rows could not be read; write each row as ( … )");
            }
            int rowClose = closing(tokens, i, end);
            if (rowClose < 0 || rowClose == i + 1) {
                return refused(table, "its VALUES rows could not be read; write each row as ( … )");
            }
            builder.insert(tokens.get(rowClose - 1).end(), ", ", Slot.HLC, ", ", Slot.ORIGIN);
            i = rowClose + 1;
            if (i < end && tokens.get(i).type() == TokenType.COMMA) {
                i++;
                continue;
            }
            break;
        }
        if (i < end && "ON".equals(keyword(tokens.get(i)))) {
            Stamping refusal = upsert(table, tokens, i, end, qualifier, builder);
            if (refusal != null) {
                return refusal;
            }
        } else if (i < end && !"RETURNING".equals(keyword(tokens.get(i)))) {
            return refused(table, "nothing but RETURNING or an upsert clause may follow its VALUES rows");
        }
        return builder.build(table);
    }

    /**
     * The upsert clause at {@code tokens[on]} of an INSERT being stamped: {@code ON CONFLICT … DO NOTHING} needs
     * nothing more; {@code DO UPDATE SET …} (PostgreSQL) and {@code ON DUPLICATE KEY UPDATE …} (MySQL/MariaDB) also
     * stamp the row they update, later than the row it replaces. Null when it is stamped, else the refusal.
     */
    private Stamping upsert(
            TableName table, List<SqlToken> tokens, int on, int end, String qualifier, Builder builder) {
        int set;
        if (dialect == Dialect.POSTGRESQL) {
            int conflict = on + 1;
            if (conflict >= end || !"CONFLICT".equals(keyword(tokens.get(conflict)))) {
                return refused(table, "only ON CONFLICT may follow its VALUES rows");
            }
            int doWord = indexOfWord(tokens, "DO", conflict + 1, end);
            if (doWord < 0 || doWord + 1 >= end) {
                return refused(table, "its ON CONFLICT clause could not be read");
            }
            if ("NOTHING".equals(keyword(tokens.get(doWord + 1)))) {
                return null;
            }
            if (doWord + 2 >= end
                    || !"UPDATE".equals(keyword(tokens.get(doWord + 1)))
                    || !"SET".equals(keyword(tokens.get(doWord + 2)))) {
                return refused(table, "its ON CONFLICT clause could not be read");
            }
            set = doWord + 2;
        } else {
            if (on + 4 >= end
                    || !"DUPLICATE".equals(keyword(tokens.get(on + 1)))
                    || !"KEY".equals(keyword(tokens.get(on + 2)))
                    || !"UPDATE".equals(keyword(tokens.get(on + 3)))) {
                return refused(table, "only ON DUPLICATE KEY UPDATE may follow its VALUES rows");
            }
            set = on + 3;
        }
        int listEnd = set + 1;
        while (listEnd < end
                && !(tokens.get(listEnd).depth() == 0
                        && ("WHERE".equals(keyword(tokens.get(listEnd)))
                                || "RETURNING".equals(keyword(tokens.get(listEnd)))))) {
            listEnd++;
        }
        if (listEnd == set + 1) {
            return refused(table, "its upsert's SET list could not be read");
        }
        String metadata = metadataIn(tokens, set + 1, listEnd);
        if (metadata != null) {
            return refused(table, metadata + " is Junction's to write; leave it out of the statement");
        }
        String hlc = MetadataColumns.HLC;
        String origin = MetadataColumns.ORIGIN;
        builder.insert(
                tokens.get(listEnd - 1).end(),
                dialect == Dialect.POSTGRESQL
                        ? ", " + hlc + " = GREATEST(" + qualifier + "." + hlc + " + 1, EXCLUDED." + hlc + "), " + origin
                                + " = EXCLUDED." + origin
                        : ", " + hlc + " = GREATEST(" + hlc + " + 1, VALUES(" + hlc + ")), " + origin + " = VALUES("
                                + origin + ")");
        return null;
    }

    private Stamping update(String sql, List<SqlToken> tokens, int end) {
        int i = 1;
        boolean ignore = false;
        while (i < end && Set.of("LOW_PRIORITY", "IGNORE", "ONLY").contains(keyword(tokens.get(i)))) {
            ignore |= "IGNORE".equals(keyword(tokens.get(i)));
            i++;
        }
        int nameStart = i;
        i = skipName(tokens, i, end);
        int set = indexOfWord(tokens, "SET", i, end);
        TableName table = i == nameStart ? null : conflictTable(tokens, nameStart, i);
        if (table == null) {
            // MySQL's multi-table UPDATE names its tables before SET: one of them may be opted in.
            return set >= 0 && mentionsAny(tokens, i, set)
                    ? refusedAny(tokens, "an UPDATE of several tables cannot be stamped; update each table alone")
                    : Stamping.UNTOUCHED;
        }
        if (table.counter()) {
            Stamping.Stamped increments = ignore
                    ? null
                    : CounterIncrements.stamp(table.configured(), tokens, nameStart, i, end, sql, dialect);
            return increments != null ? increments : refused(table, CounterIncrements.FORM);
        }
        if (ignore) {
            return refused(table, "UPDATE IGNORE cannot be stamped; update without IGNORE");
        }
        String qualifier =
                sql.substring(tokens.get(nameStart).start(), tokens.get(i - 1).end());
        if (i < end && "AS".equals(keyword(tokens.get(i)))) {
            i++;
        }
        if (i < end && i != set && isName(tokens.get(i)) && tokens.get(i).depth() == 0) {
            qualifier = tokens.get(i).text();
            i++;
        }
        if (set != i) {
            return refused(
                    table,
                    "an UPDATE of several tables (a join or a list) cannot be stamped; update the" + " table alone");
        }
        int listEnd = set + 1;
        while (listEnd < end
                && !(tokens.get(listEnd).depth() == 0 && AFTER_SET.contains(keyword(tokens.get(listEnd))))) {
            listEnd++;
        }
        if (listEnd == set + 1) {
            return refused(table, "its SET list could not be read");
        }
        String metadata = metadataIn(tokens, set + 1, listEnd);
        if (metadata != null) {
            return refused(table, metadata + " is Junction's to write; leave it out of the statement");
        }
        Builder builder = new Builder(sql, tokens);
        builder.insert(
                tokens.get(listEnd - 1).end(),
                ", " + MetadataColumns.HLC + " = GREATEST(" + qualifier + "." + MetadataColumns.HLC + " + 1, ",
                Slot.HLC,
                "), " + MetadataColumns.ORIGIN + " = ",
                Slot.ORIGIN);
        return builder.build(table);
    }

    /** A DELETE whose target (or, on MySQL, any table before WHERE) is opted in is refused: tombstones come later. */
    private Stamping delete(List<SqlToken> tokens, int end) {
        int where = indexOfWord(tokens, "WHERE", 1, end);
        int limit = where < 0 ? end : where;
        for (int i = 1; i < limit; i++) {
            SqlToken token = tokens.get(i);
            if (token.depth() == 0 && isName(token) && !isDotted(tokens, i + 1)) {
                TableName table = conflictTable(tokens, startOfName(tokens, i), i + 1);
                if (table != null && table.counter()) {
                    return refused(table, CounterIncrements.FORM);
                }
                if (table != null) {
                    return refused(
                            table,
                            "a DELETE of a conflict table needs a tombstone that replication and reconcile"
                                    + " respect, which Junction does not write yet; delete the row outside multi-master, or"
                                    + " mark it with a column of your own");
                }
            }
        }
        return Stamping.UNTOUCHED;
    }

    /** Collects the text around the slots, and the order of parameters in the result. */
    private final class Builder {
        private final String sql;
        private final List<SqlToken> tokens;
        private final List<String> fragments = new ArrayList<>();
        private final List<Slot> slots = new ArrayList<>();
        private final List<Integer> slotPositions = new ArrayList<>();
        private final StringBuilder current = new StringBuilder();
        private int copied;

        Builder(String sql, List<SqlToken> tokens) {
            this.sql = sql;
            this.tokens = tokens;
        }

        /** Adds {@code parts} (text, or a {@link Slot}) at {@code position} of the original text; in order. */
        void insert(int position, Object... parts) {
            current.append(sql, copied, position);
            copied = position;
            for (Object part : parts) {
                if (part instanceof Slot slot) {
                    fragments.add(current.toString());
                    current.setLength(0);
                    slots.add(slot);
                    slotPositions.add(position);
                } else {
                    current.append((String) part);
                }
            }
        }

        Stamping build(TableName table) {
            List<Integer> parameters = new ArrayList<>();
            int slot = 0;
            int application = 0;
            for (SqlToken token : tokens) {
                if (token.type() != TokenType.PARAMETER) {
                    continue;
                }
                if (!"?".equals(token.text())) {
                    return refused(
                            table,
                            "only ? parameters can be renumbered around the stamp; use ? instead of " + token.text());
                }
                while (slot < slots.size() && slotPositions.get(slot) <= token.start()) {
                    parameters.add(parameterOf(slots.get(slot++)));
                }
                parameters.add(++application);
            }
            while (slot < slots.size()) {
                parameters.add(parameterOf(slots.get(slot++)));
            }
            current.append(sql, copied, sql.length());
            fragments.add(current.toString());
            return new Stamping.Stamped(table.configured(), fragments, slots, parameters, dialect == Dialect.MYSQL);
        }
    }

    static int parameterOf(Slot slot) {
        return slot == Slot.HLC ? Stamping.Stamped.HLC_PARAMETER : Stamping.Stamped.ORIGIN_PARAMETER;
    }

    // ---- reading tokens ----

    private static String keyword(SqlToken token) {
        return token.keyword() == null ? "" : token.keyword();
    }

    private static boolean isName(SqlToken token) {
        return token.type() == TokenType.WORD || token.type() == TokenType.QUOTED_IDENTIFIER;
    }

    private static boolean isDotted(List<SqlToken> tokens, int i) {
        return i < tokens.size() && tokens.get(i).type() == TokenType.DOT;
    }

    /** A name part without its quotes, lower-cased (matching is case-insensitive, quoted or not). */
    private static String part(SqlToken token) {
        String text = token.text();
        if (token.type() == TokenType.QUOTED_IDENTIFIER && text.length() >= 2) {
            text = text.substring(1, text.length() - 1);
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /** The index after the dotted name that starts at {@code i}; {@code i} when there is none. */
    private static int skipName(List<SqlToken> tokens, int i, int end) {
        if (i >= end || !isName(tokens.get(i))) {
            return i;
        }
        i++;
        while (i + 1 < end && tokens.get(i).type() == TokenType.DOT && isName(tokens.get(i + 1))) {
            i += 2;
        }
        return i;
    }

    private static int startOfName(List<SqlToken> tokens, int last) {
        int start = last;
        while (start >= 2 && tokens.get(start - 1).type() == TokenType.DOT && isName(tokens.get(start - 2))) {
            start -= 2;
        }
        return start;
    }

    /** The configured table the dotted name in {@code [from, to)} is, or null. */
    private TableName conflictTable(List<SqlToken> tokens, int from, int to) {
        String name = part(tokens.get(to - 1));
        String schema = to - from >= 3 ? part(tokens.get(to - 3)) : null;
        for (TableName table : tables) {
            if (table.name().equals(name)
                    && (table.schema() == null || table.schema().equals(schema))) {
                return table;
            }
        }
        return null;
    }

    private TableName firstMentioned(List<SqlToken> tokens) {
        for (SqlToken token : tokens) {
            if (isName(token)) {
                String part = part(token);
                for (TableName table : tables) {
                    if (table.name().equals(part)) {
                        return table;
                    }
                }
            }
        }
        return null;
    }

    private boolean mentionsAny(List<SqlToken> tokens, int from, int to) {
        return firstMentioned(tokens.subList(from, to)) != null;
    }

    private static boolean writes(List<SqlToken> tokens) {
        for (SqlToken token : tokens) {
            if (WRITING.contains(keyword(token))) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfWord(List<SqlToken> tokens, String word, int from, int end) {
        for (int i = from; i < end; i++) {
            if (tokens.get(i).depth() == 0 && word.equals(keyword(tokens.get(i)))) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the parenthesis closing the one at {@code open}, or -1. */
    private static int closing(List<SqlToken> tokens, int open, int end) {
        int depth = tokens.get(open).depth();
        for (int i = open + 1; i < end; i++) {
            SqlToken token = tokens.get(i);
            if (token.type() == TokenType.RIGHT_PAREN && token.depth() == depth) {
                return i;
            }
        }
        return -1;
    }

    /** The first metadata column named in {@code [from, to)}, or null. */
    private static String metadataIn(List<SqlToken> tokens, int from, int to) {
        for (int i = from; i < to; i++) {
            SqlToken token = tokens.get(i);
            if (isName(token) && METADATA_COLUMNS.contains(part(token))) {
                return part(token);
            }
        }
        return null;
    }

    private static Stamping refused(TableName table, String reason) {
        return new Stamping.Refused(table.configured(), reason);
    }

    private Stamping refusedAny(List<SqlToken> tokens, String reason) {
        return refused(firstMentioned(tokens), reason);
    }
}
