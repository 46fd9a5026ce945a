package dev.junction.router.internal;

import dev.junction.router.Dialect;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into {@link SqlToken}s, dropping whitespace and comments, for one dialect.
 *
 * <p>This is the first and cheapest stage of classification and the one every safety decision
 * rests on: a keyword inside a comment, string, dollar-quoted body or quoted identifier must never
 * be mistaken for code, and code must never hide in what looks like a comment. Hence:
 *
 * <ul>
 *   <li>PostgreSQL: nested block comments, {@code E'...'} backslash escapes, {@code $tag$...$tag$}
 *       bodies, {@code $1} parameters, {@code U&'...'}; {@code ??}, {@code ??|}, {@code ??&} are
 *       PgJDBC's escapes of the JSON {@code ?} operators, a single {@code ?} is a parameter.
 *   <li>MySQL/MariaDB: {@code #} comments, {@code -- } only when followed by whitespace, backslash
 *       escapes, double-quoted strings, backtick names, {@code @var}/{@code @@var}, and executable
 *       comments, whose content the server runs and which are therefore tokenized as code: {@code
 *       /*! ... * /} (MySQL and MariaDB), {@code /*!50001 ... * /} (servers of at least that
 *       five-digit version), {@code /*M! ... * /} and {@code /*M!100500 ... * /} (MariaDB only; five
 *       or six digits). A version of another length is malformed: servers disagree on where it
 *       ends. MySQL names may begin with digits ({@code 1abs}). The last three
 *       are <em>gated</em>: whether they run depends on the server, so their tokens are marked with
 *       {@link SqlToken#gate} for the classifier to consider both readings. A gated comment is
 *       skipped up to the first {@code * /} by a server that does not run it, so a string, quoted
 *       name or line comment inside an executable comment that contains {@code * /}, or a comment
 *       nested in one, would end it at different places in the two readings: the text is then
 *       malformed. Comments inside executable comments never carry hints.
 * </ul>
 *
 * Anything unterminated marks the result {@link TokenizedSql#malformed() malformed}.
 */
public final class SqlTokenizer {

    private final String sql;
    private final boolean mysql;
    private final int length;
    private final List<SqlToken> tokens;
    private List<String> leadingComments;
    private boolean malformed;
    private boolean spaced;
    private int depth;
    private boolean inExecutableComment;
    /** Ordinal of the gated executable comment being read, 0 when none. */
    private int gate;

    private int gatedComments;
    /** Parenthesis depth where the executable comment being read began. */
    private int executableDepth;

    private SqlTokenizer(String sql, Dialect dialect) {
        this.sql = sql;
        this.mysql = dialect == Dialect.MYSQL;
        this.length = sql.length();
        this.tokens = new ArrayList<>(Math.max(8, length / 5));
    }

    public static TokenizedSql tokenize(String sql, Dialect dialect) {
        return new SqlTokenizer(sql, dialect).run();
    }

    private TokenizedSql run() {
        int i = 0;
        while (i < length) {
            i = next(i);
        }
        if (depth != 0 || inExecutableComment) {
            malformed = true;
        }
        return new TokenizedSql(
                tokens, leadingComments == null ? List.of() : leadingComments, malformed, gatedComments);
    }

    private char at(int i) {
        return i < length ? sql.charAt(i) : '\0';
    }

    /** Consumes one token, comment or whitespace run at {@code i} and returns the next position. */
    private int next(int i) {
        char c = sql.charAt(i);
        if (c <= ' ' || Character.isWhitespace(c)) {
            spaced = true;
            return i + 1;
        }
        char n = at(i + 1);
        if (c == '-' && n == '-' && (!mysql || i + 2 >= length || at(i + 2) <= ' ')) {
            return lineComment(i, i + 2);
        }
        if (c == '#' && mysql) {
            return lineComment(i, i + 1);
        }
        if (c == '/' && n == '*') {
            return blockComment(i);
        }
        if (c == '*' && n == '/' && inExecutableComment) {
            if (gate != 0 && depth != executableDepth) {
                // Unbalanced inside: the readings with and without the comment disagree on nesting.
                malformed = true;
            }
            inExecutableComment = false;
            gate = 0;
            spaced = true;
            return i + 2;
        }
        if (c == '\'') {
            int end = quoted(i, '\'', mysql);
            return emit(TokenType.STRING, i, end, !mysql || !hasBackslash(i, end));
        }
        if (c == '"') {
            int end = quoted(i, '"', mysql);
            return emit(mysql ? TokenType.STRING : TokenType.QUOTED_IDENTIFIER, i, end, false);
        }
        if (c == '`' && mysql) {
            return emit(TokenType.QUOTED_IDENTIFIER, i, quoted(i, '`', false), false);
        }
        if (c == '$' && !mysql) {
            return dollar(i);
        }
        if (c == '?') {
            if (n == '?') {
                char third = at(i + 2);
                return emit(TokenType.OPERATOR, i, third == '|' || third == '&' ? i + 3 : i + 2, false);
            }
            return emit(TokenType.PARAMETER, i, i + 1, false);
        }
        if (isDigit(c) || (c == '.' && isDigit(n))) {
            int end = number(i);
            if (mysql && isDigit(c) && end < length && isIdentifierPart(sql.charAt(end))) {
                // MySQL names may begin with digits: 1abs(2) calls a stored function named 1abs.
                while (end < length && isIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                return emit(TokenType.WORD, i, end, false);
            }
            return emit(TokenType.NUMBER, i, end, false);
        }
        if (isIdentifierStart(c)) {
            return word(i);
        }
        if (c == '@' && mysql) {
            return variable(i);
        }
        if (c == ':') {
            if (n == ':' || n == '=') {
                return emit(TokenType.OPERATOR, i, i + 2, false);
            }
            if (isIdentifierStart(n) && !mysql) {
                int end = i + 1;
                while (end < length && isIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                return emit(TokenType.PARAMETER, i, end, false);
            }
            return emit(TokenType.OPERATOR, i, i + 1, false);
        }
        switch (c) {
            case '(':
                emit(TokenType.LEFT_PAREN, i, i + 1, false);
                depth++;
                return i + 1;
            case ')':
                if (depth == 0 || (gate != 0 && depth == executableDepth)) {
                    malformed = true;
                }
                if (depth > 0) {
                    depth--;
                }
                return emit(TokenType.RIGHT_PAREN, i, i + 1, false);
            case ',':
                return emit(TokenType.COMMA, i, i + 1, false);
            case ';':
                return emit(TokenType.SEMICOLON, i, i + 1, false);
            case '.':
                return emit(TokenType.DOT, i, i + 1, false);
            case '[':
                return emit(TokenType.LEFT_BRACKET, i, i + 1, false);
            case ']':
                return emit(TokenType.RIGHT_BRACKET, i, i + 1, false);
            default:
                break;
        }
        if (isOperatorChar(c)) {
            return emit(TokenType.OPERATOR, i, mysql ? mysqlOperator(i) : postgresOperator(i), false);
        }
        return emit(TokenType.OTHER, i, i + 1, false);
    }

    private int emit(TokenType type, int start, int end, boolean plainLiteral) {
        String text = sql.substring(start, end);
        if (inExecutableComment && text.contains("*/")) {
            malformed = true; // a server that skips the comment ends it inside this literal or quoted name
        }
        tokens.add(new SqlToken(type, start, end, text, depth, spaced, plainLiteral, gate));
        spaced = false;
        return end;
    }

    private int lineComment(int start, int bodyStart) {
        int end = sql.indexOf('\n', bodyStart);
        if (end < 0) {
            end = length;
        }
        String body = sql.substring(bodyStart, end);
        if (inExecutableComment && body.contains("*/")) {
            malformed = true; // the line comment swallows the end of the executable comment in one reading only
        }
        noteComment(body);
        spaced = true;
        return end;
    }

    private int blockComment(int start) {
        if (mysql && inExecutableComment) {
            // MySQL does not nest comments: whether this one ends the executable comment depends on the
            // server's reading, so refuse to guess.
            malformed = true;
        }
        if (mysql) {
            int bang = at(start + 2) == '!' ? start + 3 : at(start + 2) == 'M' && at(start + 3) == '!' ? start + 4 : -1;
            if (bang > 0) {
                // MySQL runs the content of /*! ... */ (optionally version-gated by up to six digits),
                // MariaDB also that of /*M! ... */: it is code, so keep tokenizing and drop only the
                // closing */ later.
                int j = bang;
                while (j < length && isDigit(sql.charAt(j))) {
                    j++;
                }
                boolean mariaDb = bang == start + 4;
                int digits = j - bang;
                if (digits != 0 && digits != 5 && !(mariaDb && digits == 6)) {
                    // MySQL reads a version of exactly five digits (and MariaDB's /*! of six), the rest as
                    // code: where the version ends is a guess, and 1abs(2) differs from abs(2).
                    malformed = true;
                }
                if (digits > 0 || mariaDb) {
                    gate = ++gatedComments;
                }
                inExecutableComment = true;
                executableDepth = depth;
                spaced = true;
                return j;
            }
        }
        int j = start + 2;
        int nesting = 1;
        while (j < length) {
            if (sql.charAt(j) == '*' && at(j + 1) == '/') {
                j += 2;
                if (--nesting == 0) {
                    break;
                }
            } else if (!mysql && sql.charAt(j) == '/' && at(j + 1) == '*') {
                nesting++;
                j += 2;
            } else {
                j++;
            }
        }
        if (nesting > 0) {
            malformed = true;
            noteComment(sql.substring(start + 2));
            spaced = true;
            return length;
        }
        noteComment(sql.substring(start + 2, j - 2));
        spaced = true;
        return j;
    }

    private void noteComment(String body) {
        if (tokens.isEmpty() && !inExecutableComment) {
            if (leadingComments == null) {
                leadingComments = new ArrayList<>(2);
            }
            leadingComments.add(body);
        }
    }

    /** Position after a literal quoted with {@code q} starting at {@code start}; doubled quotes escape. */
    private int quoted(int start, char q, boolean backslashEscapes) {
        int j = start + 1;
        while (j < length) {
            char c = sql.charAt(j);
            if (c == q) {
                if (at(j + 1) == q) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j += backslashEscapes && c == '\\' ? 2 : 1;
        }
        malformed = true;
        return length;
    }

    private boolean hasBackslash(int start, int end) {
        for (int j = start; j < end; j++) {
            if (sql.charAt(j) == '\\') {
                return true;
            }
        }
        return false;
    }

    private int dollar(int start) {
        char n = at(start + 1);
        if (isDigit(n)) {
            int end = start + 1;
            while (end < length && isDigit(sql.charAt(end))) {
                end++;
            }
            return emit(TokenType.PARAMETER, start, end, false);
        }
        int tagEnd = start + 1;
        if (n != '$') {
            if (!isIdentifierStart(n)) {
                return emit(TokenType.OTHER, start, start + 1, false);
            }
            while (tagEnd < length && isIdentifierPart(sql.charAt(tagEnd)) && sql.charAt(tagEnd) != '$') {
                tagEnd++;
            }
            if (at(tagEnd) != '$') {
                return emit(TokenType.OTHER, start, start + 1, false);
            }
        }
        String tag = sql.substring(start, tagEnd + 1);
        int close = sql.indexOf(tag, tagEnd + 1);
        if (close < 0) {
            malformed = true;
            return emit(TokenType.STRING, start, length, false);
        }
        return emit(TokenType.STRING, start, close + tag.length(), false);
    }

    private int number(int start) {
        int j = start;
        if (sql.charAt(j) == '0' && (at(j + 1) == 'x' || at(j + 1) == 'X') && isHex(at(j + 2))) {
            j += 2;
            while (j < length && isHex(sql.charAt(j))) {
                j++;
            }
            return j;
        }
        while (j < length && (isDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (at(j) == '.' && at(j + 1) != '.') {
            j++;
            while (j < length && isDigit(sql.charAt(j))) {
                j++;
            }
        }
        char e = at(j);
        if ((e == 'e' || e == 'E')
                && (isDigit(at(j + 1)) || ((at(j + 1) == '+' || at(j + 1) == '-') && isDigit(at(j + 2))))) {
            j += 2;
            while (j < length && isDigit(sql.charAt(j))) {
                j++;
            }
        }
        return j;
    }

    private int word(int start) {
        int end = start + 1;
        while (end < length && isIdentifierPart(sql.charAt(end))) {
            end++;
        }
        char after = at(end);
        int len = end - start;
        if (after == '\'') {
            char first = sql.charAt(start);
            boolean prefix = len == 1 && "EeBbXxNn".indexOf(first) >= 0 || (mysql && first == '_' && len > 1);
            if (prefix) {
                // E'..' (PostgreSQL escape string) and MySQL strings honour backslash escapes.
                boolean backslashes = mysql || first == 'E' || first == 'e';
                return emit(TokenType.STRING, start, quoted(end, '\'', backslashes), false);
            }
        }
        if (!mysql
                && len == 1
                && (sql.charAt(start) == 'U' || sql.charAt(start) == 'u')
                && after == '&'
                && at(end + 1) == '\'') {
            return emit(TokenType.STRING, start, quoted(end + 1, '\'', false), false);
        }
        return emit(TokenType.WORD, start, end, false);
    }

    private int variable(int start) {
        int j = start + 1;
        if (at(j) == '@') {
            j++;
        }
        char c = at(j);
        if (c == '\'' || c == '"' || c == '`') {
            j = quoted(j, c, c != '`');
        } else {
            while (j < length && (isIdentifierPart(sql.charAt(j)) || sql.charAt(j) == '.')) {
                j++;
            }
        }
        return emit(TokenType.VARIABLE, start, j, false);
    }

    private static final String[] MYSQL_OPERATORS = {"<=>", "->>", "<=", ">=", "<>", "!=", "->", "&&", "||", "<<", ">>"
    };

    private int mysqlOperator(int start) {
        for (String op : MYSQL_OPERATORS) {
            if (sql.startsWith(op, start)) {
                return start + op.length();
            }
        }
        return start + 1;
    }

    /** PostgreSQL's lexer rule: a maximal run of operator characters, minus a trailing +/- unless the run holds one of ~!@#%^&|`? . */
    private int postgresOperator(int start) {
        int end = start;
        while (end < length) {
            char c = sql.charAt(end);
            if (c == '?' && at(end + 1) == '?') {
                end += 2; // PgJDBC's escape of a '?' inside an operator such as @?, written @??
                continue;
            }
            if (!isOperatorChar(c)
                    || (end > start && ((c == '-' && at(end + 1) == '-') || (c == '/' && at(end + 1) == '*')))) {
                break;
            }
            end++;
        }
        if (end - start > 1) {
            boolean special = false;
            for (int j = start; j < end; j++) {
                if ("~!@#%^&|`?".indexOf(sql.charAt(j)) >= 0) {
                    special = true;
                    break;
                }
            }
            while (!special && end - start > 1 && (sql.charAt(end - 1) == '+' || sql.charAt(end - 1) == '-')) {
                end--;
            }
        }
        return end;
    }

    private boolean isOperatorChar(char c) {
        switch (c) {
            case '+':
            case '-':
            case '*':
            case '/':
            case '<':
            case '>':
            case '=':
            case '~':
            case '!':
            case '@':
            case '#':
            case '%':
            case '^':
            case '&':
            case '|':
                return true;
            default:
                return false;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c > 127 && Character.isLetter(c));
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$';
    }
}
