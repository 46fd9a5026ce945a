package dev.junction.conflict;

import static dev.junction.conflict.SqlNames.isName;
import static dev.junction.conflict.SqlNames.keyword;
import static dev.junction.conflict.SqlNames.part;
import static dev.junction.conflict.SqlNames.skipName;

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
 * Rewrites the statements that name opted-in tables (design §8). Writes carry {@code _hlc} and {@code _origin}: an
 * INSERT with a column list and VALUES rows gets both columns and a slot for each in every row, and becomes an upsert
 * that brings a deleted row of its key back ({@link Revival}); an UPDATE sets {@code _hlc = GREATEST(t._hlc + 1,
 * stamp)} (a local update is always later than the row it replaces, and never earlier than the writer's clock) and
 * {@code _origin}, and leaves tombstones alone; a DELETE leaves a tombstone ({@code _deleted = TRUE}, stamped like an
 * update). Reads see live rows only ({@link TombstoneReads}). Every other write of an opted-in table is {@link
 * Stamping.Refused refused} with what to do instead: unstamped, it could overwrite a newer row on another master,
 * which is worse than an error. Works on the router's tokens, so that comments, strings and quoted names are never
 * read as code. Thread-safe and stateless past its configuration.
 */
public final class StatementStamper {
    private static final Set<String> METADATA_COLUMNS =
            Set.of(MetadataColumns.HLC, MetadataColumns.ORIGIN, MetadataColumns.DELETED, MetadataColumns.VECTOR);
    /** Words that end an UPDATE's SET list. */
    private static final Set<String> AFTER_SET = Set.of("FROM", "WHERE", "RETURNING", "ORDER", "LIMIT");
    /** Words that begin the statement an EXPLAIN explains. */
    private static final Set<String> EXPLAINED =
            Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "TABLE", "REPLACE", "MERGE");
    /** Words that begin a statement that may write a table it names. */
    private static final Set<String> WRITING = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE");

    private final Dialect dialect;
    private final List<TableName> tables;
    private final TableShapes shapes;

    /** A configured table: its schema (null for any) and name, lower-cased, and whether it is a counter table. */
    private record TableName(String configured, String schema, String name, boolean counter, boolean vector) {
        static TableName of(String configured, ConflictPolicy policy) {
            String lower = configured.trim().toLowerCase(Locale.ROOT);
            int dot = lower.lastIndexOf('.');
            return new TableName(
                    configured.trim(),
                    dot < 0 ? null : lower.substring(0, dot),
                    dot < 0 ? lower : lower.substring(dot + 1),
                    policy == ConflictPolicy.COUNTER,
                    policy == ConflictPolicy.VERSION_VECTOR);
        }
    }

    /** {@code version-vector}: the write's vector, the row's own with one more write of this master. */
    private static final String BUMP = "junction_vv_bump(";

    /**
     * @param tables the opted-in tables as configured: {@code t} (in any schema) or {@code schema.t}; names compare
     *     case-insensitively, quoted or not
     */
    public StatementStamper(Dialect dialect, Collection<String> tables, TableShapes shapes) {
        this(dialect, allLastWriterWins(tables), shapes);
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
     * @param shapes where an INSERT finds its table's primary key and columns, to bring a deleted row back
     */
    public StatementStamper(Dialect dialect, Map<String, ConflictPolicy> tables, TableShapes shapes) {
        this.dialect = dialect;
        this.shapes = shapes;
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
                return refused(mentioned, "several statements in one text name it; run them one by one");
            }
        }
        String first = end == 0 ? "" : keyword(tokens.get(0));
        try {
            return switch (first) {
                case "INSERT" -> insert(sql, tokens, end);
                case "UPDATE" -> update(sql, tokens, end);
                case "DELETE" -> delete(sql, tokens, end);
                case "EXPLAIN", "ANALYZE" -> explain(sql, tokens, end, mentioned);
                case "REPLACE", "MERGE", "TRUNCATE" ->
                    refused(mentioned, first + " cannot be stamped; write it as INSERT and UPDATE statements");
                case "COPY" ->
                    end > 1 && tokens.get(1).type() == TokenType.LEFT_PAREN
                            ? read(sql, tokens, end, mentioned)
                            : refused(
                                    mentioned,
                                    "COPY of the table bypasses stamping and tombstones; insert rows with INSERT …"
                                            + " VALUES, export them with COPY (SELECT …) TO");
                case "LOAD" -> refused(mentioned, "LOAD writes rows unstamped; insert them with INSERT … VALUES");
                case "PREPARE" ->
                    refused(
                            mentioned,
                            "a statement prepared in SQL would run unstamped at EXECUTE; prepare it through the"
                                    + " driver (Connection.prepareStatement)");
                case "HANDLER" -> refused(mentioned, "HANDLER reads past tombstones; read it with SELECT");
                case "WITH" ->
                    writes(tokens)
                            ? refused(
                                    mentioned, "a WITH statement that writes cannot be stamped; write it without WITH")
                            : read(sql, tokens, end, mentioned);
                default -> read(sql, tokens, end, mentioned);
            };
        } catch (TableShapes.ShapeUnavailableException e) {
            return refused(mentioned, e.getMessage());
        } catch (AmbiguousName e) {
            return refused(e.table, e.getMessage());
        }
    }

    /**
     * {@code EXPLAIN} (and MariaDB's {@code ANALYZE stmt}): with ANALYZE the server runs the statement, so a write of a
     * conflict table would run unstamped and is refused; a read explained or analysed reads live rows; a write only
     * explained runs nothing and stays as written.
     */
    private Stamping explain(String sql, List<SqlToken> tokens, int end, TableName mentioned) {
        boolean analyze = "ANALYZE".equals(keyword(tokens.get(0)));
        int inner = 1;
        for (; inner < end; inner++) {
            SqlToken token = tokens.get(inner);
            String word = keyword(token);
            if (token.depth() == 0 && EXPLAINED.contains(word)) {
                break;
            }
            if ("ANALYZE".equals(word)) {
                String next = inner + 1 < end ? tokens.get(inner + 1).text().toUpperCase(Locale.ROOT) : "";
                analyze |= !Set.of("FALSE", "OFF", "0").contains(next); // EXPLAIN (ANALYZE false) runs nothing
            }
        }
        if (inner >= end) {
            return analyze && "ANALYZE".equals(keyword(tokens.get(0)))
                    ? Stamping.UNTOUCHED // ANALYZE TABLE: statistics
                    : read(sql, tokens, end, mentioned);
        }
        boolean writes = writes(tokens.subList(inner, end));
        if (writes && analyze) {
            return refused(
                    mentioned,
                    "EXPLAIN ANALYZE runs the write, and would run it unstamped; explain it without ANALYZE");
        }
        return writes ? Stamping.UNTOUCHED : read(sql, tokens, end, mentioned);
    }

    /**
     * The row a plain read by primary key fetches, for read repair: {@code SELECT … FROM t [[AS] a] WHERE} with every
     * key column of {@code t} compared for equality to one literal or {@code ?} (in any order, joined by AND, other
     * conditions allowed), {@code t} a last-writer-wins conflict table and the only table read; null for any other
     * statement.
     */
    public KeyRead keyRead(String sql) {
        TokenizedSql tokenized = SqlTokenizer.tokenize(sql, dialect);
        List<SqlToken> tokens = tokenized.tokens();
        if (tokenized.malformed() || tokens.isEmpty() || !"SELECT".equals(keyword(tokens.get(0)))) {
            return null;
        }
        int end = tokens.size();
        int from = indexOfWord(tokens, "FROM", 1, end);
        int nameEnd = from < 0 ? from : skipName(tokens, from + 1, end);
        TableName table;
        try {
            table = nameEnd <= from + 1 ? null : conflictTable(tokens, from + 1, nameEnd);
        } catch (AmbiguousName e) {
            return null;
        }
        if (table == null || table.counter()) {
            return null;
        }
        String qualifier = tokens.get(nameEnd - 1).text();
        int i = nameEnd;
        if (i < end && "AS".equals(keyword(tokens.get(i)))) {
            i++;
        }
        if (i < end && isName(tokens.get(i)) && !"WHERE".equals(keyword(tokens.get(i)))) {
            qualifier = tokens.get(i++).text();
        }
        if (i >= end || !"WHERE".equals(keyword(tokens.get(i)))) {
            return null;
        }
        return KeyReads.of(table.configured(), shapes.of(table.configured()), tokens, i + 1, end, qualifier);
    }

    /** A statement that writes no conflict table: its reads of conflict tables see live rows only. */
    private Stamping read(String sql, List<SqlToken> tokens, int end, TableName mentioned) {
        TextEdits edits = new TextEdits(sql, tokens, dialect == Dialect.MYSQL);
        String refusal = hideTombstones(sql, tokens, 0, end, edits);
        if (refusal != null) {
            return refused(mentioned, refusal);
        }
        return edits.isEmpty() ? Stamping.UNTOUCHED : edits.build(mentioned.configured(), -1);
    }

    /** {@link TombstoneReads#hide} for the tables whose deleted rows are kept as tombstones. */
    private String hideTombstones(String sql, List<SqlToken> tokens, int from, int end, TextEdits edits) {
        return TombstoneReads.hide(
                sql,
                tokens,
                from,
                end,
                (start, stop) -> {
                    TableName table = conflictTable(tokens, start, stop);
                    return table == null || table.counter() ? null : table.configured();
                },
                edits);
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
                    : read(sql, tokens, end, firstMentioned(tokens));
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
        List<String> columns = namesIn(tokens, i + 1, columnsClose);
        TextEdits edits = new TextEdits(sql, tokens, dialect == Dialect.MYSQL);
        edits.insert(
                tokens.get(columnsClose - 1).end(),
                ", " + MetadataColumns.HLC + ", " + MetadataColumns.ORIGIN
                        + (table.vector() ? ", " + MetadataColumns.VECTOR : ""));
        i = columnsClose + 1;
        if (i >= end || !Set.of("VALUES", "VALUE").contains(keyword(tokens.get(i)))) {
            return refused(
                    table,
                    "only INSERT … VALUES can be stamped (not INSERT … SELECT, SET or DEFAULT VALUES);"
                            + " insert the rows with VALUES");
        }
        int rows = 0;
        for (i++; ; i++) {
            int rowClose = i < end && tokens.get(i).type() == TokenType.LEFT_PAREN ? closing(tokens, i, end) : -1;
            if (rowClose < 0 || rowClose == i + 1) {
                return refused(table, "its VALUES rows could not be read; write each row as ( … )");
            }
            if (table.vector()) {
                edits.insert(
                        tokens.get(rowClose - 1).end(),
                        ", ",
                        Slot.HLC,
                        ", ",
                        Slot.ORIGIN,
                        ", " + BUMP + "'', ",
                        Slot.ORIGIN,
                        ")");
            } else {
                edits.insert(tokens.get(rowClose - 1).end(), ", ", Slot.HLC, ", ", Slot.ORIGIN);
            }
            rows++;
            i = rowClose + 1;
            if (i >= end || tokens.get(i).type() != TokenType.COMMA) {
                break;
            }
        }
        String refusal = hideTombstones(sql, tokens, columnsClose + 1, end, edits);
        if (refusal != null) {
            return refused(table, refusal);
        }
        Revival revival = new Revival(dialect, shapes.of(table.configured()), columns, qualifier, table.vector());
        if (i < end && "ON".equals(keyword(tokens.get(i)))) {
            Stamping upsertRefusal = upsert(sql, table, tokens, i, end, qualifier, revival, edits);
            return upsertRefusal != null ? upsertRefusal : edits.build(table.configured(), -1);
        }
        if (i < end && !"RETURNING".equals(keyword(tokens.get(i)))) {
            return refused(table, "nothing but RETURNING or an upsert clause may follow its VALUES rows");
        }
        edits.insert(tokens.get(i - 1).end(), revival.clauseForInsert());
        return edits.build(table.configured(), rows);
    }

    /**
     * The upsert clause at {@code tokens[on]} of an INSERT being stamped: {@code DO UPDATE SET …} (PostgreSQL) and
     * {@code ON DUPLICATE KEY UPDATE …} (MySQL/MariaDB) stamp the row they update, later than the row it replaces, and
     * act on a tombstone as the INSERT would ({@link Revival}); {@code ON CONFLICT (…) DO NOTHING} brings a tombstone
     * back and leaves a live row alone. Null when it is stamped, else the refusal.
     */
    private Stamping upsert(
            String sql,
            TableName table,
            List<SqlToken> tokens,
            int on,
            int end,
            String qualifier,
            Revival revival,
            TextEdits edits) {
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
                return doNothing(sql, table, tokens, on, doWord, end, revival, edits);
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
        Set<String> assigned = new java.util.HashSet<>();
        String refusal = reviveAssignments(tokens, set + 1, listEnd, revival, edits, assigned);
        if (refusal != null) {
            return refused(table, refusal);
        }
        List<String> appended = new ArrayList<>(revival.vectorAssignment());
        appended.addAll(revival.remainingAssignments(assigned));
        String hlc = MetadataColumns.HLC;
        String origin = MetadataColumns.ORIGIN;
        appended.add(
                dialect == Dialect.POSTGRESQL
                        ? hlc + " = GREATEST(" + qualifier + "." + hlc + " + 1, EXCLUDED." + hlc + "), " + origin
                                + " = EXCLUDED." + origin
                        : hlc + " = GREATEST(" + hlc + " + 1, VALUES(" + hlc + ")), " + origin + " = VALUES(" + origin
                                + ")");
        appended.add(MetadataColumns.DELETED + " = FALSE");
        edits.insert(tokens.get(listEnd - 1).end(), ", " + String.join(", ", appended));
        if (listEnd < end && "WHERE".equals(keyword(tokens.get(listEnd)))) {
            int conditionEnd = indexOfWord(tokens, "RETURNING", listEnd + 1, end);
            conditionEnd = conditionEnd < 0 ? end : conditionEnd;
            edits.replace(
                    tokens.get(listEnd + 1).start(),
                    tokens.get(conditionEnd - 1).end(),
                    revival.condition(text(sql, tokens, listEnd + 1, conditionEnd)));
        }
        return null;
    }

    /** PostgreSQL's {@code ON CONFLICT (…) DO NOTHING}: a tombstone of the key is brought back. */
    private Stamping doNothing(
            String sql,
            TableName table,
            List<SqlToken> tokens,
            int on,
            int doWord,
            int end,
            Revival revival,
            TextEdits edits) {
        if (doWord == on + 2) {
            return refused(
                    table,
                    "ON CONFLICT DO NOTHING needs its conflict target here, so that a deleted row of the key is"
                            + " brought back; name it: ON CONFLICT (id) DO NOTHING");
        }
        String target = text(sql, tokens, on + 2, doWord);
        edits.replace(tokens.get(on).start(), tokens.get(doWord + 1).end(), revival.clauseForDoNothing(target));
        return null;
    }

    /**
     * Each {@code column = expression} of an upsert's SET list in {@code tokens[from, to)} takes the INSERT's value on
     * a tombstone; the columns are added to {@code assigned}. Null, or why the list cannot be read.
     */
    private String reviveAssignments(
            List<SqlToken> tokens, int from, int to, Revival revival, TextEdits edits, Set<String> assigned) {
        int itemStart = from;
        for (int i = from; i <= to; i++) {
            if (i < to
                    && !(tokens.get(i).type() == TokenType.COMMA
                            && tokens.get(i).depth() == 0)) {
                continue;
            }
            int nameEnd = skipName(tokens, itemStart, i);
            if (nameEnd == itemStart
                    || nameEnd + 1 >= i
                    || !"=".equals(tokens.get(nameEnd).text())) {
                return "its upsert's SET list could not be read; write each as column = value";
            }
            String column = part(tokens.get(nameEnd - 1));
            assigned.add(column);
            edits.insert(tokens.get(nameEnd + 1).start(), revival.beforeAssignedExpression(column));
            edits.insert(tokens.get(i - 1).end(), revival.afterAssignedExpression());
            itemStart = i + 1;
        }
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
                    : read(sql, tokens, end, firstMentioned(tokens));
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
                    table, "an UPDATE of several tables (a join or a list) cannot be stamped; update the table alone");
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
        TextEdits edits = new TextEdits(sql, tokens, dialect == Dialect.MYSQL);
        stampAssignments(edits, tokens.get(listEnd - 1).end(), ", ", qualifier, table);
        return liveRowsStamped(sql, tokens, edits, table, qualifier, listEnd, set + 1, end);
    }

    /**
     * A DELETE of a conflict table leaves a tombstone: {@code DELETE FROM t [AS a] [WHERE c] …} runs as {@code UPDATE
     * t [AS a] SET _deleted = TRUE, _hlc = GREATEST(t._hlc + 1, stamp), _origin = … WHERE (c) AND NOT t._deleted …},
     * so that replication and reconcile order it against the row's other writes by its stamp, and a write older than
     * the delete, arriving late from another master, cannot bring the row back. Its update count is the rows it
     * deleted, as a DELETE's; {@code RETURNING} gives the deleted rows (PostgreSQL).
     */
    private Stamping delete(String sql, List<SqlToken> tokens, int end) {
        int where = indexOfWord(tokens, "WHERE", 1, end);
        int limit = where < 0 ? end : where;
        TableName named = null;
        for (int i = 1; i < limit && named == null; i++) {
            SqlToken token = tokens.get(i);
            if (token.depth() == 0 && isName(token) && !isDotted(tokens, i + 1)) {
                named = conflictTable(tokens, startOfName(tokens, i), i + 1);
            }
        }
        if (named == null) {
            return read(sql, tokens, end, firstMentioned(tokens));
        }
        if (named.counter()) {
            return refused(named, CounterIncrements.FORM);
        }
        int nameStart = 2;
        int nameEnd = skipName(tokens, nameStart, end);
        TableName table = end > 2 && "FROM".equals(keyword(tokens.get(1))) && nameEnd > nameStart
                ? conflictTable(tokens, nameStart, nameEnd)
                : null;
        if (table == null) {
            return refused(named, "only DELETE FROM one table can leave tombstones; delete from the table alone");
        }
        String qualifier = sql.substring(
                tokens.get(nameStart).start(), tokens.get(nameEnd - 1).end());
        int i = nameEnd;
        if (i < end && "AS".equals(keyword(tokens.get(i)))) {
            i++;
        }
        if (i < end
                && isName(tokens.get(i))
                && !Set.of("WHERE", "RETURNING", "ORDER", "LIMIT").contains(keyword(tokens.get(i)))) {
            qualifier = tokens.get(i).text();
            i++;
        }
        if (i < end && !Set.of("WHERE", "RETURNING", "ORDER", "LIMIT").contains(keyword(tokens.get(i)))) {
            return refused(table, "only DELETE FROM one table can leave tombstones; delete from the table alone");
        }
        if (dialect == Dialect.MYSQL && indexOfWord(tokens, "RETURNING", i, end) >= 0) {
            return refused(table, "DELETE … RETURNING cannot leave a tombstone on MariaDB; select the rows first");
        }
        TextEdits edits = new TextEdits(sql, tokens, dialect == Dialect.MYSQL);
        edits.replace(tokens.get(0).start(), tokens.get(1).end(), "UPDATE");
        stampAssignments(
                edits, tokens.get(i - 1).end(), " SET " + MetadataColumns.DELETED + " = TRUE, ", qualifier, table);
        return liveRowsStamped(sql, tokens, edits, table, qualifier, i, i, end);
    }

    /**
     * The assignments an UPDATE (or a DELETE run as one) gets at {@code position}, after {@code lead}: a stamp later
     * than the row's, the origin and, for a {@code version-vector} table, one more write of this master in the vector.
     */
    private static void stampAssignments(
            TextEdits edits, int position, String lead, String qualifier, TableName table) {
        edits.insert(
                position,
                lead + MetadataColumns.HLC + " = GREATEST(" + qualifier + "." + MetadataColumns.HLC + " + 1, ",
                Slot.HLC,
                "), " + MetadataColumns.ORIGIN + " = ",
                Slot.ORIGIN);
        if (table.vector()) {
            edits.insert(
                    position,
                    ", " + MetadataColumns.VECTOR + " = " + BUMP + qualifier + "." + MetadataColumns.VECTOR + ", ",
                    Slot.ORIGIN,
                    ")");
        }
    }

    /**
     * The rest of a stamped UPDATE or DELETE: its condition keeps to live rows ({@code tokens[conditionFrom, end)}),
     * its reads of conflict tables see live rows ({@code tokens[readsFrom, end)}); the stamping, or the refusal.
     */
    private Stamping liveRowsStamped(
            String sql,
            List<SqlToken> tokens,
            TextEdits edits,
            TableName table,
            String qualifier,
            int conditionFrom,
            int readsFrom,
            int end) {
        String refusal = liveRowsOnly(tokens, conditionFrom, end, qualifier, edits);
        if (refusal == null) {
            refusal = hideTombstones(sql, tokens, readsFrom, end, edits);
        }
        return refusal != null ? refused(table, refusal) : edits.build(table.configured(), -1);
    }

    /**
     * An UPDATE's (or a DELETE's) condition in {@code tokens[from, end)} gets {@code AND NOT q._deleted}, or a WHERE of
     * it: a tombstone is no row to the application. Null, or why the condition cannot be read.
     */
    private static String liveRowsOnly(List<SqlToken> tokens, int from, int end, String qualifier, TextEdits edits) {
        String live = "NOT " + qualifier + "." + MetadataColumns.DELETED;
        int where = indexOfWord(tokens, "WHERE", from, end);
        int stop = end;
        for (int i = where < 0 ? from : where + 1; i < end; i++) {
            if (tokens.get(i).depth() == 0
                    && Set.of("RETURNING", "ORDER", "LIMIT").contains(keyword(tokens.get(i)))) {
                stop = i;
                break;
            }
        }
        if (where < 0) {
            edits.insert(tokens.get(stop - 1).end(), " WHERE " + live);
            return null;
        }
        if (where + 1 >= stop) {
            return "its WHERE clause could not be read";
        }
        if ("CURRENT".equals(keyword(tokens.get(where + 1)))) {
            return "WHERE CURRENT OF cannot be stamped; update or delete the row by its key";
        }
        edits.insert(tokens.get(where + 1).start(), "(");
        edits.insert(tokens.get(stop - 1).end(), ") AND " + live);
        return null;
    }

    /** The lower-cased names in a column list {@code tokens[from, to)}. */
    private static List<String> namesIn(List<SqlToken> tokens, int from, int to) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (isName(tokens.get(i)) && (i + 1 == to || tokens.get(i + 1).type() == TokenType.COMMA)) {
                names.add(part(tokens.get(i)));
            }
        }
        return names;
    }

    private static String text(String sql, List<SqlToken> tokens, int from, int to) {
        return sql.substring(tokens.get(from).start(), tokens.get(to - 1).end());
    }

    // ---- reading tokens ----

    private static boolean isDotted(List<SqlToken> tokens, int i) {
        return i < tokens.size() && tokens.get(i).type() == TokenType.DOT;
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
        TableName qualifiedOnly = null;
        for (TableName table : tables) {
            if (table.name().equals(name)) {
                if (table.schema() == null || table.schema().equals(schema)) {
                    return table;
                }
                if (schema == null) {
                    qualifiedOnly = table;
                }
            }
        }
        if (qualifiedOnly != null) {
            // The session's schema (search_path, current database) is not known here: it may be this table.
            throw new AmbiguousName(qualifiedOnly);
        }
        return null;
    }

    /** A table named without its schema where the configuration names it with one: refused, not guessed. */
    private static final class AmbiguousName extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient TableName table;

        AmbiguousName(TableName table) {
            super(
                    "it is named without its schema, which may be " + table.configured()
                            + " depending on the session's schema; name it " + table.configured()
                            + ", or configure conflictTables with the name unqualified",
                    null,
                    false,
                    false);
            this.table = table;
        }
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
