package dev.junction.router.internal;

/**
 * One token of a SQL string. {@link #keyword} is the upper-cased text of a {@link TokenType#WORD}
 * (and {@code null} otherwise), so keyword tests are plain string comparisons.
 */
public final class SqlToken {

    final TokenType type;
    final int start;
    final int end;
    final String text;
    final String keyword;
    /** Parenthesis depth before this token; a {@code (} has the depth outside it. */
    final int depth;
    /** Whitespace or a comment separates this token from the previous one. */
    final boolean spaced;
    /**
     * For strings: a plain {@code '...'} literal that Calcite reads as written; other forms are
     * replaced by a neutral literal before parsing.
     */
    final boolean plainLiteral;
    /**
     * MySQL: the ordinal (from 1) of the version-gated {@code /*!NNNNN ... * /} or MariaDB-only
     * {@code /*M! ... * /} comment this token is in, 0 outside such comments. Whether the server runs
     * these tokens depends on its product and version.
     */
    final int gate;

    SqlToken(
            TokenType type,
            int start,
            int end,
            String text,
            int depth,
            boolean spaced,
            boolean plainLiteral,
            int gate) {
        this.type = type;
        this.start = start;
        this.end = end;
        this.text = text;
        this.keyword = type == TokenType.WORD ? upper(text) : null;
        this.depth = depth;
        this.spaced = spaced;
        this.plainLiteral = plainLiteral;
        this.gate = gate;
    }

    private static String upper(String s) {
        // ASCII only: keywords are ASCII, and a locale-sensitive toUpperCase would turn "i" into a
        // dotted capital under a Turkish default locale. Returns the same string when nothing changes.
        char[] c = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= 'a' && ch <= 'z') {
                if (c == null) {
                    c = s.toCharArray();
                }
                c[i] = (char) (ch - 32);
            }
        }
        return c == null ? s : new String(c);
    }

    /** True when this is the keyword {@code upperCaseWord}. */
    /** Its lexical category. */
    public TokenType type() {
        return type;
    }

    /** Where it starts in the SQL text (a char index). */
    public int start() {
        return start;
    }

    /** Where it ends in the SQL text (exclusive). */
    public int end() {
        return end;
    }

    /** Its text as written. */
    public String text() {
        return text;
    }

    /** The upper-cased word of a {@link TokenType#WORD}; null for any other token. */
    public String keyword() {
        return keyword;
    }

    /** How many parentheses enclose it. */
    public int depth() {
        return depth;
    }

    boolean is(String upperCaseWord) {
        return upperCaseWord.equals(keyword);
    }

    boolean is(TokenType t) {
        return type == t;
    }

    boolean isOperator(String op) {
        return type == TokenType.OPERATOR && text.equals(op);
    }

    @Override
    public String toString() {
        return type + "(" + text + ")";
    }
}
