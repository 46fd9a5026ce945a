package dev.junction.router.internal;

import dev.junction.router.Dialect;
import java.util.BitSet;
import java.util.Set;

/**
 * Finds, in PostgreSQL tokens, the function calls that are not written as calls:
 *
 * <ul>
 *   <li><b>Operators that are not built in.</b> {@code CREATE OPERATOR ### (FUNCTION = f, ...)}
 *       makes {@code a ### b} call {@code f}, which may write. Every operator token that is not a
 *       built-in PostgreSQL operator (or one of the read-only extensions the classifier knows:
 *       pgvector, pg_trgm, hstore, ltree, cube, earthdistance) is reported as {@code operator(###)},
 *       and so is the explicit {@code OPERATOR(schema.op)} syntax unless it names a built-in
 *       operator in {@code pg_catalog}: {@code operator(myschema.###)}. The driver's {@link
 *       dev.junction.router.FunctionCatalog} may resolve such a name through {@code
 *       pg_operator.oprcode}; without one the statement stays on the primary.
 *   <li><b>Attribute notation.</b> PostgreSQL reads {@code (expr).name} as the field {@code name} of
 *       a composite value or, when there is no such field, as the call {@code name(expr)}: {@code
 *       select (t).writer_row from t} runs {@code writer_row(t)}. After a parenthesised expression
 *       (a subquery or cast included), after a subscript ({@code a[1].name}) and after a parameter
 *       ({@code $1.name}), {@code name} is reported as a function. Not after a function call's
 *       argument list: {@code f(x).y} is a syntax error in PostgreSQL (only {@code (f(x)).y} is
 *       allowed), and not in dotted names ({@code schema.table}, {@code t.col}). A dotted name can
 *       also be a call ({@code t.fullname} runs {@code fullname(t)} when {@code t} has no such
 *       column), which only a column catalog could tell: that gap remains.
 * </ul>
 *
 * Built-in operators a user has overloaded for his own types ({@code CREATE OPERATOR = (LEFTARG =
 * mytype, ...)}) cannot be told from tokens and are not reported.
 */
final class PostgresCallScanner {

    /**
     * Operators of PostgreSQL's catalog and of common read-only extensions, plus the syntax tokens
     * the tokenizer reports as operators ({@code ::}, {@code :} in array slices, {@code =>} and
     * {@code :=} in named arguments).
     */
    private static final Set<String> BUILTIN_OPERATORS = Set.of(
            // syntax
            "::",
            ":",
            "=>",
            ":=",
            // comparison and arithmetic
            "=",
            "<>",
            "!=",
            "<",
            ">",
            "<=",
            ">=",
            "+",
            "-",
            "*",
            "/",
            "%",
            "^",
            "|/",
            "||/",
            "@",
            // bitwise, also network containment
            "&",
            "|",
            "#",
            "~",
            "<<",
            ">>",
            "<<=",
            ">>=",
            // strings and patterns
            "||",
            "^@",
            "~~",
            "~~*",
            "!~~",
            "!~~*",
            "!~",
            "~*",
            "!~*",
            "~<~",
            "~<=~",
            "~>=~",
            "~>~",
            // arrays, ranges, multiranges, geometry, text search
            "@>",
            "<@",
            "&&",
            "&<",
            "&>",
            "-|-",
            "<<|",
            "|>>",
            "&<|",
            "|&>",
            "<^",
            ">^",
            "?#",
            "?-",
            "?|",
            "?-|",
            "?||",
            "~=",
            "@-@",
            "@@",
            "@@@",
            "##",
            "<->",
            "!!",
            // json and jsonb
            "->",
            "->>",
            "#>",
            "#>>",
            "?",
            "?&",
            "#-",
            "@?",
            // pgvector
            "<#>",
            "<=>",
            "<+>",
            "<~>",
            "<%>",
            // pg_trgm
            "%>",
            "<%",
            "<<%",
            "%>>",
            "<<->",
            "<->>",
            "<<<->",
            "<->>>",
            // hstore, ltree, cube, earthdistance
            "#=",
            "%%",
            "%#",
            "?@>",
            "?<@",
            "?~",
            "?@",
            "<@>",
            "~>");

    private PostgresCallScanner() {}

    /**
     * Adds to {@code found} the hidden calls in tokens {@code [from, to)}: {@code operator(op)} for
     * operators that are not built in, and attribute names read with attribute notation.
     */
    static void scan(TokenView v, int from, int to, Set<String> found) {
        if (v.dialect != Dialect.POSTGRESQL) {
            return;
        }
        BitSet callGroups = new BitSet();
        int end = Math.min(to, v.size);
        for (int i = Math.max(0, from); i < end; i++) {
            SqlToken t = v.get(i);
            switch (t.type) {
                case OPERATOR: {
                    String op = t.text.replace("??", "?"); // PgJDBC's escape of ? inside an operator
                    if (!BUILTIN_OPERATORS.contains(op)) {
                        found.add("operator(" + op + ")");
                    }
                    break;
                }
                case WORD:
                    if (isOperatorSyntax(v, i)) {
                        int close = v.matchingParen(i + 1);
                        String name = operatorName(v, i + 2, close);
                        if (!isBuiltinQualified(name)) {
                            found.add("operator(" + name + ")");
                        }
                        i = close;
                    }
                    break;
                case LEFT_PAREN:
                    callGroups.set(t.depth, isCallParen(v, i));
                    break;
                case RIGHT_PAREN:
                    if (!callGroups.get(t.depth) && isAttribute(v, i)) {
                        found.add(v.functionIdentifier(i + 2));
                    }
                    break;
                case RIGHT_BRACKET:
                case PARAMETER:
                    if (isAttribute(v, i)) {
                        found.add(v.functionIdentifier(i + 2));
                    }
                    break;
                default:
                    break;
            }
        }
    }

    /** {@code OPERATOR ( [schema .] op )} starting at {@code i} (PostgreSQL only). */
    static boolean isOperatorSyntax(TokenView v, int i) {
        if (v.dialect != Dialect.POSTGRESQL || !v.isKw(i, "OPERATOR") || !v.is(i + 1, TokenType.LEFT_PAREN)) {
            return false;
        }
        int close = v.matchingParen(i + 1);
        return close < v.size && close > i + 2 && v.is(close - 1, TokenType.OPERATOR);
    }

    /** {@code schema.op} from tokens {@code [from, to)}: names as the server resolves them, operators as written. */
    private static String operatorName(TokenView v, int from, int to) {
        StringBuilder name = new StringBuilder();
        for (int j = from; j < to; j++) {
            name.append(v.isNamePart(j) ? v.identifier(j) : v.get(j).text.replace("??", "?"));
        }
        return name.toString();
    }

    private static boolean isBuiltinQualified(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return BUILTIN_OPERATORS.contains(name);
        }
        return name.substring(0, dot).equals("pg_catalog") && BUILTIN_OPERATORS.contains(name.substring(dot + 1));
    }

    /** The {@code (} at {@code i} opens a function call's argument list (or a type modifier). */
    private static boolean isCallParen(TokenView v, int i) {
        if (!v.isNamePart(i - 1)) {
            return false;
        }
        SqlToken before = v.get(i - 1);
        return before.type != TokenType.WORD || !TokenFunctionScanner.NOT_CALLS.contains(before.keyword);
    }

    /** The token at {@code i} is followed by {@code . name}, where name is not {@code *}. */
    private static boolean isAttribute(TokenView v, int i) {
        return v.is(i + 1, TokenType.DOT) && v.isNamePart(i + 2);
    }
}
