package dev.junction.driver.internal;

import dev.junction.driver.internal.StatementInfo.Hint;
import dev.junction.driver.internal.StatementInfo.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A conservative classifier from a token scan alone: comments, string literals, quoted identifiers and
 * PostgreSQL dollar-quoted strings are skipped, and the remaining words decide.
 *
 * <p>It errs towards the primary: a statement is a {@link Kind#READ} only when it starts with {@code SELECT},
 * {@code WITH}, {@code VALUES}, {@code TABLE} or {@code SHOW}, is a single statement, has no locking clause,
 * no {@code INTO}, no data-modifying word, and calls no function outside a list of built-ins known to be
 * read-only (a user-defined function may write, and this scan cannot look it up). The Calcite-based classifier
 * of the {@code router} module is more precise; this one also decides what only the driver cares about: session
 * keys for replay, transaction boundaries and pins.
 */
public final class KeywordStatementRouting implements StatementRouting {
    private static final Set<String> READ_STARTS = Set.of("select", "with", "values", "table", "show");
    private static final Set<String> WRITE_WORDS = Set.of("insert", "update", "delete", "merge", "into", "upsert",
            "replace", "truncate", "call", "do");
    private static final Set<String> READ_ONLY_FUNCTIONS = Set.of("count", "sum", "avg", "min", "max", "now",
            "coalesce", "nullif", "greatest", "least", "lower", "upper", "length", "char_length", "substring", "substr",
            "trim", "concat", "concat_ws", "abs", "round", "floor", "ceil", "ceiling", "mod", "random", "rand", "cast",
            "convert", "date_trunc", "extract", "to_char", "to_date", "to_timestamp", "current_setting", "version",
            "inet_server_port", "inet_server_addr", "pg_is_in_recovery", "pg_backend_pid", "connection_id",
            "current_database", "current_schema", "current_user", "database", "schema", "user", "array_agg",
            "string_agg", "group_concat", "json_agg", "jsonb_agg", "json_build_object", "jsonb_build_object", "row_number",
            "rank", "dense_rank", "lag", "lead", "generate_series", "pg_sleep", "sleep", "exists", "any", "all", "some",
            "in", "array", "row", "position", "replace", "md5", "sha1", "sha2", "ifnull", "if", "isnull", "date",
            "timestamp", "interval", "unnest", "format", "pg_last_wal_replay_lsn", "pg_current_wal_lsn", "pg_typeof",
            "bool_and", "bool_or", "every", "lpad", "rpad", "left", "right", "split_part", "regexp_replace", "nvl",
            "pg_table_size", "pg_relation_size", "pg_total_relation_size", "age", "clock_timestamp", "statement_timestamp",
            "transaction_timestamp", "timeofday", "localtime", "localtimestamp", "current_timestamp", "current_date",
            "uuid", "gen_random_uuid", "to_json", "to_jsonb", "octet_length", "bit_length", "sign", "sqrt", "power", "exp", "ln", "log");
    /** Words that may precede "(" without being a function call. */
    private static final Set<String> NON_FUNCTION_WORDS = Set.of("from", "join", "as", "over", "values", "on", "using",
            "and", "or", "not", "select", "where", "filter", "partition", "within", "lateral", "by", "having", "when",
            "then", "else", "case", "is", "like", "between", "union", "except", "intersect", "limit", "offset", "group",
            "order", "with", "recursive", "materialized", "distinct", "table", "set", "return", "returns", "key");

    private static final Hint[] NO_HINT = {Hint.NONE};
    /** Stands for a string literal this scan cannot delimit with certainty: the statement goes to the primary. */
    private static final String AMBIGUOUS = "\\";

    private final boolean mysqlLexing;

    /**
     * @param backend MySQL lexing treats {@code #} as a comment and backslashes in strings as escapes; PostgreSQL
     *                lexing treats {@code #} as an operator and, as {@code standard_conforming_strings} does,
     *                backslashes as plain characters
     */
    public KeywordStatementRouting(Backend backend) {
        this.mysqlLexing = backend == Backend.MYSQL;
    }

    @Override
    public StatementInfo classify(String sql) {
        Hint[] hint = {Hint.NONE};
        List<String> words = new ArrayList<>();
        boolean multiStatement = scan(sql, words, hint, mysqlLexing);
        if (words.isEmpty()) {
            return new StatementInfo(Kind.WRITE, hint[0], null, null);
        }
        if (multiStatement) {
            return new StatementInfo(Kind.WRITE, hint[0], pinReason(words), null);
        }
        String first = words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        switch (first) {
            case "set":
                return classifySet(words, hint[0]);
            case "reset":
                return new StatementInfo(Kind.SESSION, hint[0], null, "all".equals(second) ? StatementInfo.RESET_ALL : second);
            case "discard":
                return new StatementInfo(Kind.SESSION, hint[0], null, StatementInfo.RESET_ALL);
            case "use":
                return new StatementInfo(Kind.SESSION, hint[0], null, "catalog");
            case "begin":
            case "start":
                return new StatementInfo(Kind.BEGIN, hint[0], null, null);
            case "commit":
            case "end":
            case "abort":
                return new StatementInfo(Kind.END, hint[0], null, null);
            case "rollback":
                return new StatementInfo(words.contains("to") ? Kind.IN_TRANSACTION : Kind.END, hint[0], null, null);
            case "savepoint":
            case "release":
                return new StatementInfo(Kind.IN_TRANSACTION, hint[0], null, null);
            default:
                break;
        }
        String pin = pinReason(words);
        if (pin == null && READ_STARTS.contains(first) && isPlainRead(words)) {
            return new StatementInfo(Kind.READ, hint[0], null, null);
        }
        return new StatementInfo(Kind.WRITE, hint[0], pin, null);
    }

    private static StatementInfo classifySet(List<String> words, Hint hint) {
        String second = words.size() > 1 ? words.get(1) : "";
        if (second.equals("local") || second.equals("transaction") || second.equals("constraints")) {
            return new StatementInfo(Kind.IN_TRANSACTION, hint, null, null);
        }
        if (second.equals("global") || second.equals("persist") || second.equals("persist_only") || second.startsWith("@@global")) {
            return new StatementInfo(Kind.WRITE, hint, null, null);
        }
        String pin = words.contains("serializable") ? "SERIALIZABLE isolation" : null;
        int nameAt = second.equals("session") ? 2 : 1;
        String name = words.size() > nameAt ? words.get(nameAt) : null;
        if ("characteristics".equals(name)) {
            return new StatementInfo(Kind.SESSION, hint, pin, "default_transaction_characteristics");
        }
        if ("time".equals(name)) {
            return new StatementInfo(Kind.SESSION, hint, pin, "timezone");
        }
        boolean singleAssignment = words.stream().filter(","::equals).count() == 0;
        if (name == null || !singleAssignment) {
            return new StatementInfo(Kind.SESSION, hint, pin, null);
        }
        if (name.equals("schema")) {
            name = "search_path";
        }
        return new StatementInfo(Kind.SESSION, hint, pin, name.replace("@@session.", "").replace("@@", ""));
    }

    private static boolean isPlainRead(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (WRITE_WORDS.contains(word) || word.equals(AMBIGUOUS)) {
                return false;
            }
            if (word.equals("for") && i + 1 < words.size()) {
                String next = words.get(i + 1);
                if (next.equals("update") || next.equals("share") || next.equals("no") || next.equals("key")) {
                    return false;
                }
            }
            if (word.equals("lock") && i + 1 < words.size() && words.get(i + 1).equals("in")) {
                return false;
            }
            if (word.equals("next") && i + 2 < words.size() && words.get(i + 1).equals("value")) {
                return false;
            }
            if (word.equals("analyze") && i > 0 && words.get(0).equals("explain")) {
                return false;
            }
            if (i + 1 < words.size() && words.get(i + 1).equals("(") && isCall(words, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isCall(List<String> words, int nameAt) {
        String name = words.get(nameAt);
        if (!Character.isLetter(name.charAt(0)) && name.charAt(0) != '_') {
            return false;
        }
        if (NON_FUNCTION_WORDS.contains(name) || READ_ONLY_FUNCTIONS.contains(name)) {
            return false;
        }
        // "schema.function(": judge the function name, not the schema
        int dot = name.lastIndexOf('.');
        return dot < 0 || !READ_ONLY_FUNCTIONS.contains(name.substring(dot + 1));
    }

    private static String pinReason(List<String> words) {
        String first = words.get(0);
        if (first.equals("create") && (words.contains("temp") || words.contains("temporary"))) {
            return "temporary table";
        }
        if (first.equals("listen")) {
            return "LISTEN";
        }
        if (first.equals("prepare") && !(words.size() > 1 && words.get(1).equals("transaction"))) {
            return "server-side PREPARE";
        }
        if (first.equals("declare") && words.contains("hold")) {
            return "cursor WITH HOLD";
        }
        for (String word : words) {
            if ((word.startsWith("pg_advisory_") || word.startsWith("pg_try_advisory_")) && !word.contains("xact")
                    && !word.contains("unlock")) {
                return "session advisory lock";
            }
            if (word.equals("get_lock")) {
                return "session lock GET_LOCK";
            }
        }
        return null;
    }

    /**
     * Lower-cased words and single-character punctuation of {@code sql}, without comments, string literals and
     * quoted identifiers (a quoted identifier becomes the word {@code "q"}, which matches nothing). Returns whether
     * a {@code ;} is followed by another statement.
     */
    static boolean scan(String sql, List<String> words, Hint[] hint, boolean mysqlLexing) {
        int n = sql.length();
        int i = 0;
        boolean afterSemicolon = false;
        boolean multi = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-' || c == '#' && mysqlLexing) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                String body = sql.substring(i + 2, end < 0 ? n : end).trim().toLowerCase(Locale.ROOT);
                if (words.isEmpty() && hint != NO_HINT && body.startsWith("junction:")) {
                    if (body.equals("junction:primary")) {
                        hint[0] = Hint.PRIMARY;
                    } else if (body.equals("junction:replica")) {
                        hint[0] = Hint.REPLICA;
                    }
                }
                i = end < 0 ? n : end + 2;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = skipQuoted(sql, i, c, mysqlLexing);
                if (afterSemicolon) {
                    multi = true;
                }
                boolean escapesUnclear = !mysqlLexing && c == '\'' && sql.substring(i, end).indexOf('\\') >= 0;
                words.add(escapesUnclear ? AMBIGUOUS : c == '\'' ? "'s'" : "q");
                i = end;
            } else if (c == '$' && i + 1 < n && (sql.charAt(i + 1) == '$' || Character.isLetter(sql.charAt(i + 1)))) {
                int tagEnd = sql.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? null : sql.substring(i, tagEnd + 1);
                if (tag != null && tag.chars().skip(1).limit(tag.length() - 2L).allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
                    int close = sql.indexOf(tag, tagEnd + 1);
                    i = close < 0 ? n : close + tag.length();
                    words.add("'s'");
                } else {
                    i++;
                }
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '@') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '@'
                        || sql.charAt(i) == '$' || sql.charAt(i) == '.')) {
                    i++;
                }
                if (afterSemicolon) {
                    multi = true;
                }
                words.add(sql.substring(start, i).toLowerCase(Locale.ROOT));
            } else {
                if (c == ';') {
                    afterSemicolon = true;
                } else {
                    if (afterSemicolon) {
                        multi = true;
                    }
                    words.add(String.valueOf(c));
                }
                i++;
            }
        }
        return multi;
    }

    private static int skipQuoted(String sql, int start, char quote, boolean mysqlLexing) {
        int i = start + 1;
        boolean backslashEscapes = mysqlLexing && quote != '`';
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\' && backslashEscapes) {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }
}
