package dev.junction.router.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Best-effort table extraction from tokens, for statements Calcite cannot parse (PostgreSQL {@code
 * UPDATE ... FROM}, MySQL multi-table {@code UPDATE}/{@code DELETE}, data-modifying CTEs, {@code
 * SELECT ... INTO}...). It follows the places a table name can appear: after {@code FROM}, {@code
 * JOIN}, {@code USING}, {@code UPDATE}, {@code INTO}, in comma lists of those, and resolves which of
 * a multi-table {@code UPDATE}/{@code DELETE}'s tables are written from the {@code SET} targets and
 * the {@code DELETE} target list. CTE names are left out.
 */
final class TokenTableExtractor {

    /** Tables read and written, CTE names removed. */
    record Tables(Set<String> read, Set<String> written) {}

    private enum Role {
        READ,
        WRITE,
        UPDATE_CANDIDATE
    }

    private static final class Ref {
        final String name;
        final String alias;
        Role role;

        Ref(String name, String alias, Role role) {
            this.name = name;
            this.alias = alias;
            this.role = role;
        }

        boolean answersTo(String qualifier, boolean caseInsensitive) {
            String base = name.substring(name.lastIndexOf('.') + 1);
            if (caseInsensitive) {
                return qualifier.equalsIgnoreCase(alias != null ? alias : base)
                        || (alias == null && qualifier.equalsIgnoreCase(name));
            }
            return qualifier.equals(alias != null ? alias : base) || (alias == null && qualifier.equals(name));
        }
    }

    /** Words that end a table reference rather than alias it. */
    private static final Set<String> NOT_ALIASES = Set.of(
            "WHERE",
            "FROM",
            "JOIN",
            "INNER",
            "LEFT",
            "RIGHT",
            "FULL",
            "CROSS",
            "NATURAL",
            "OUTER",
            "ON",
            "USING",
            "SET",
            "GROUP",
            "ORDER",
            "HAVING",
            "LIMIT",
            "OFFSET",
            "FETCH",
            "UNION",
            "INTERSECT",
            "EXCEPT",
            "WINDOW",
            "FOR",
            "LOCK",
            "RETURNING",
            "VALUES",
            "VALUE",
            "SELECT",
            "DEFAULT",
            "FORCE",
            "USE",
            "IGNORE",
            "TABLESAMPLE",
            "PARTITION",
            "STRAIGHT_JOIN",
            "QUALIFY",
            "WITH",
            "AS",
            "INTO",
            "WHEN",
            "THEN",
            "ELSE",
            "END",
            "DO",
            "OVERRIDING",
            "ON_DUPLICATE",
            "LATERAL",
            "NOWAIT",
            "SKIP",
            "BY",
            "AND",
            "OR",
            "NOT",
            "IN",
            "IS",
            "MINUS",
            "OUTFILE",
            "DUMPFILE",
            "CONFLICT",
            "READ",
            "WRITE",
            "LOW_PRIORITY",
            "MODE",
            "NO",
            "KEY",
            "SHARE",
            "UPDATE",
            "DELETE",
            "INSERT",
            "MERGE",
            "MATCHED",
            "ASOF");

    /** Keywords that end a FROM list at their parenthesis level. */
    private static final Set<String> CLAUSE_ENDS = Set.of(
            "WHERE",
            "GROUP",
            "HAVING",
            "ORDER",
            "LIMIT",
            "OFFSET",
            "FETCH",
            "UNION",
            "INTERSECT",
            "EXCEPT",
            "WINDOW",
            "FOR",
            "LOCK",
            "RETURNING",
            "SET",
            "VALUES",
            "SELECT",
            "QUALIFY",
            "INTO",
            "WHEN",
            "MINUS");

    /** Keywords that end the SET list of an UPDATE. */
    private static final Set<String> SET_LIST_ENDS = Set.of("WHERE", "FROM", "ORDER", "LIMIT", "RETURNING");

    /** Functions whose arguments use FROM as a separator. */
    private static final Set<String> FROM_ARGUMENT_FUNCTIONS =
            Set.of("EXTRACT", "SUBSTRING", "TRIM", "OVERLAY", "SUBSTR", "NORMALIZE");

    private static final Set<String> INSERT_MODIFIERS =
            Set.of("INSERT", "REPLACE", "MERGE", "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY");

    private static final Set<String> DELETE_MODIFIERS = Set.of("LOW_PRIORITY", "QUICK", "IGNORE");

    private final TokenView v;
    private final List<Ref> refs = new ArrayList<>();
    private final Set<String> cteNames;
    private final BitSet listDepths = new BitSet();
    private final List<Role> listRoles = new ArrayList<>();
    private final List<String> parenOpeners = new ArrayList<>();
    private final Set<String> deleteTargets = new HashSet<>();
    private int updateIndex = -1;
    private int updateSetIndex = -1;
    private int updateRefsFrom = -1;
    private boolean deleteFromUsing;

    private TokenTableExtractor(TokenView v) {
        this.v = v;
        this.cteNames = cteNames(v);
    }

    static Tables extract(TokenView v) {
        return new TokenTableExtractor(v).run();
    }

    /** Names defined by {@code WITH name [(cols)] AS [NOT] [MATERIALIZED] (...)}, as identifiers. */
    static Set<String> cteNames(TokenView v) {
        Set<String> names = new HashSet<>();
        for (int w = 0; w < v.size; w++) {
            if (!v.isKw(w, "WITH")) {
                continue;
            }
            int j = v.isKw(w + 1, "RECURSIVE") ? w + 2 : w + 1;
            while (v.isNamePart(j)) {
                String name = v.identifier(j);
                j++;
                if (v.is(j, TokenType.LEFT_PAREN)) {
                    j = v.matchingParen(j) + 1;
                }
                if (!v.isKw(j, "AS")) {
                    break;
                }
                j++;
                if (v.isKw(j, "NOT")) {
                    j++;
                }
                if (v.isKw(j, "MATERIALIZED")) {
                    j++;
                }
                if (!v.is(j, TokenType.LEFT_PAREN)) {
                    break;
                }
                names.add(name);
                j = v.matchingParen(j) + 1;
                if (!v.is(j, TokenType.COMMA)) {
                    break;
                }
                j++;
            }
        }
        return names;
    }

    private Tables run() {
        int i = 0;
        while (i < v.size) {
            i = step(i);
        }
        resolveUpdateTargets();
        resolveDeleteTargets();
        Set<String> read = new LinkedHashSet<>();
        Set<String> written = new LinkedHashSet<>();
        for (Ref r : refs) {
            if (cteNames.contains(r.name) || (v.isMysql() && r.name.equalsIgnoreCase("dual"))) {
                continue;
            }
            (r.role == Role.READ ? read : written).add(r.name);
        }
        return new Tables(read, written);
    }

    private int step(int i) {
        SqlToken t = v.get(i);
        int depth = t.depth;
        switch (t.type) {
            case LEFT_PAREN:
                parenOpeners.add(v.kw(i - 1));
                clearListsDeeperThan(depth);
                return i + 1;
            case RIGHT_PAREN:
                if (!parenOpeners.isEmpty()) {
                    parenOpeners.remove(parenOpeners.size() - 1);
                }
                clearListsDeeperThan(depth);
                return i + 1;
            case COMMA:
                if (listDepths.get(depth)) {
                    return parseRef(i + 1, listRoles.get(depth), false);
                }
                return i + 1;
            case WORD:
                break;
            default:
                return i + 1;
        }
        String k = t.keyword;
        if (CLAUSE_ENDS.contains(k)) {
            listDepths.clear(depth);
        }
        SqlToken prev = v.get(i - 1);
        String pk = prev == null ? null : prev.keyword;
        switch (k) {
            case "FROM":
                if ("DISTINCT".equals(pk) && v.isKwAny(i - 2, "IS", "NOT")) {
                    return i + 1;
                }
                if (!parenOpeners.isEmpty()
                        && FROM_ARGUMENT_FUNCTIONS.contains(
                                String.valueOf(parenOpeners.get(parenOpeners.size() - 1)))) {
                    return i + 1;
                }
                Role role = isDeleteFrom(i) ? Role.WRITE : Role.READ;
                return startList(i + 1, depth, role);
            case "JOIN":
            case "STRAIGHT_JOIN":
                boolean inUpdateClause =
                        updateIndex >= 0 && i > updateIndex && (updateSetIndex < 0 || i < updateSetIndex);
                return parseRef(i + 1, inUpdateClause ? Role.UPDATE_CANDIDATE : Role.READ, false);
            case "USING":
                if (v.is(i + 1, TokenType.LEFT_PAREN)) {
                    return i + 1;
                }
                deleteFromUsing |= v.isMysql() && v.isKw(v.skipOpenParens(0), "DELETE");
                return startList(i + 1, depth, Role.READ);
            case "UPDATE":
                if (statementStart(i) && updateIndex < 0) {
                    updateIndex = i;
                    updateSetIndex = findAtDepth(i + 1, depth, "SET");
                    int j = i + 1;
                    while (v.isKwAny(j, "LOW_PRIORITY", "IGNORE")) {
                        j++;
                    }
                    updateRefsFrom = refs.size();
                    return startList(j, depth, Role.UPDATE_CANDIDATE);
                }
                return i + 1;
            case "SET":
                if (i == updateSetIndex) {
                    listDepths.clear(depth);
                }
                return i + 1;
            case "INTO":
                if (pk != null && INSERT_MODIFIERS.contains(pk)) {
                    return parseRef(i + 1, Role.WRITE, true);
                }
                if (!v.isMysql()) {
                    // PostgreSQL SELECT ... INTO [TEMP|UNLOGGED] [TABLE] name creates a table.
                    int j = i + 1;
                    while (v.isKwAny(j, "TEMP", "TEMPORARY", "UNLOGGED", "LOCAL", "GLOBAL", "TABLE")) {
                        j++;
                    }
                    return parseRef(j, Role.WRITE, false);
                }
                return i + 1;
            case "INSERT":
            case "REPLACE":
                if (statementStart(i) && !v.isKw(i + 1, "INTO") && !v.is(i + 1, TokenType.LEFT_PAREN)) {
                    int j = i + 1;
                    while (v.isKwAny(j, "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY")) {
                        j++;
                    }
                    if (v.isKw(j, "INTO")) {
                        return j; // the INTO rule takes it from here
                    }
                    return parseRef(j, Role.WRITE, true);
                }
                return i + 1;
            case "DELETE":
                if (statementStart(i)) {
                    int j = i + 1;
                    while (j < v.size && DELETE_MODIFIERS.contains(String.valueOf(v.kw(j)))) {
                        j++;
                    }
                    if (!v.isKw(j, "FROM")) {
                        // MySQL multi-table form: DELETE t1, t2 FROM ... — the targets are names or aliases.
                        while (v.isNamePart(j) && !v.isKw(j, "FROM")) {
                            int end = v.qualifiedNameEnd(j);
                            deleteTargets.add(v.qualifiedName(j, end));
                            j = end;
                            if (v.is(j, TokenType.DOT)
                                    && v.get(j + 1) != null
                                    && v.get(j + 1).isOperator("*")) {
                                j += 2;
                            }
                            if (!v.is(j, TokenType.COMMA)) {
                                break;
                            }
                            j++;
                        }
                        return j;
                    }
                }
                return i + 1;
            case "TABLE":
                if (i == v.skipOpenParens(0) || (prev != null && prev.type == TokenType.LEFT_PAREN)) {
                    return parseRef(i + 1, Role.READ, false);
                }
                return i + 1;
            default:
                return i + 1;
        }
    }

    private boolean isDeleteFrom(int from) {
        int j = from - 1;
        while (j >= 0 && DELETE_MODIFIERS.contains(String.valueOf(v.kw(j)))) {
            j--;
        }
        return v.isKw(j, "DELETE") && statementStart(j);
    }

    /** A DML keyword that starts a statement or a CTE body (not FOR UPDATE, DO UPDATE, THEN INSERT). */
    private boolean statementStart(int i) {
        SqlToken prev = v.get(i - 1);
        return prev == null || prev.type == TokenType.LEFT_PAREN || prev.type == TokenType.RIGHT_PAREN;
    }

    private int findAtDepth(int from, int depth, String keyword) {
        for (int j = from; j < v.size; j++) {
            SqlToken t = v.get(j);
            if (t.depth < depth) {
                return -1;
            }
            if (t.depth == depth && t.is(keyword)) {
                return j;
            }
        }
        return -1;
    }

    private int startList(int from, int depth, Role role) {
        listDepths.set(depth);
        while (listRoles.size() <= depth) {
            listRoles.add(Role.READ);
        }
        listRoles.set(depth, role);
        return parseRef(from, role, false);
    }

    private void clearListsDeeperThan(int depth) {
        listDepths.clear(depth + 1, Math.max(depth + 2, listDepths.length()));
    }

    /**
     * Reads one table reference at {@code j}: {@code [ONLY] name [*] [[AS] alias [(cols)]]} plus
     * MySQL index hints and partitions. Returns the index after it, or {@code j} when there is no
     * table name there (subquery, table function, LATERAL).
     *
     * @param columnListFollows an INSERT target: {@code name (cols)} is a column list, not a call
     */
    private int parseRef(int j, Role role, boolean columnListFollows) {
        if (v.isKw(j, "ONLY")) {
            j++;
        }
        if (v.isKw(j, "LATERAL") || !v.isNamePart(j)) {
            return j;
        }
        int end = v.qualifiedNameEnd(j);
        if (v.is(end, TokenType.LEFT_PAREN) && !columnListFollows) {
            return j; // a table function such as generate_series(...)
        }
        String name = v.qualifiedName(j, end);
        int k = end;
        if (v.get(k) != null && v.get(k).isOperator("*")) {
            k++;
        }
        String alias = null;
        if (v.isKw(k, "AS") && v.isNamePart(k + 1)) {
            alias = v.identifier(k + 1);
            k += 2;
        } else if (v.is(k, TokenType.QUOTED_IDENTIFIER)
                || (v.is(k, TokenType.WORD) && !NOT_ALIASES.contains(v.kw(k)))) {
            alias = v.identifier(k);
            k++;
        }
        if (v.is(k, TokenType.LEFT_PAREN) && (alias != null || columnListFollows)) {
            k = Math.min(v.size, v.matchingParen(k) + 1);
        }
        while (true) {
            if (v.isKwAny(k, "USE", "FORCE", "IGNORE") && v.isKwAny(k + 1, "INDEX", "KEY")) {
                k += 2;
                while (v.isKwAny(k, "FOR", "JOIN", "ORDER", "GROUP", "BY")) {
                    k++;
                }
                if (v.is(k, TokenType.LEFT_PAREN)) {
                    k = Math.min(v.size, v.matchingParen(k) + 1);
                }
                if (v.is(k, TokenType.COMMA) && v.isKwAny(k + 1, "USE", "FORCE", "IGNORE")) {
                    k++;
                }
            } else if (v.isKw(k, "PARTITION") && v.is(k + 1, TokenType.LEFT_PAREN)) {
                k = Math.min(v.size, v.matchingParen(k + 1) + 1);
            } else {
                break;
            }
        }
        refs.add(new Ref(name, alias, role));
        return k;
    }

    private void resolveUpdateTargets() {
        if (updateIndex < 0) {
            return;
        }
        List<Ref> candidates = new ArrayList<>();
        for (int r = updateRefsFrom; r < refs.size(); r++) {
            if (refs.get(r).role == Role.UPDATE_CANDIDATE) {
                candidates.add(refs.get(r));
            }
        }
        if (candidates.size() <= 1 || updateSetIndex < 0) {
            candidates.forEach(c -> c.role = Role.WRITE);
            return;
        }
        Set<String> qualifiers = new HashSet<>();
        boolean unqualified = false;
        int depth = v.get(updateSetIndex).depth;
        int j = updateSetIndex + 1;
        while (j < v.size) {
            int end = v.qualifiedNameEnd(j);
            if (end - j >= 3) {
                qualifiers.add(v.identifier(end - 3));
            } else {
                unqualified = true;
            }
            // Skip to the next assignment at this level, or stop at the end of the SET list.
            int k = Math.max(end, j + 1);
            boolean more = false;
            for (; k < v.size; k++) {
                SqlToken t = v.get(k);
                if (t.depth < depth) {
                    break;
                }
                if (t.depth == depth) {
                    if (t.type == TokenType.COMMA) {
                        more = true;
                        k++;
                        break;
                    }
                    if (t.isOperator("=") || t.keyword == null) {
                        continue;
                    }
                    if (SET_LIST_ENDS.contains(t.keyword)) {
                        break;
                    }
                }
            }
            if (!more) {
                break;
            }
            j = k;
        }
        boolean mysql = v.isMysql();
        for (Ref c : candidates) {
            boolean written = unqualified;
            for (String q : qualifiers) {
                written |= c.answersTo(q, mysql);
            }
            c.role = written ? Role.WRITE : Role.READ;
        }
    }

    private void resolveDeleteTargets() {
        if (deleteTargets.isEmpty()) {
            // DELETE FROM t1 USING t1 JOIN t2 (MySQL): the t1 in USING is the target itself.
            if (deleteFromUsing) {
                Set<String> targets = new HashSet<>();
                for (Ref r : refs) {
                    if (r.role == Role.WRITE) {
                        targets.add(r.name);
                    }
                }
                for (Ref r : refs) {
                    if (targets.contains(r.name)) {
                        r.role = Role.WRITE;
                    }
                }
            }
            return;
        }
        boolean mysql = v.isMysql();
        for (Ref r : refs) {
            for (String target : deleteTargets) {
                String q = mysql ? target.toLowerCase(Locale.ROOT) : target;
                if (r.answersTo(q, mysql)) {
                    r.role = Role.WRITE;
                }
            }
        }
    }
}
