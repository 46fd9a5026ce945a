package dev.junction.router.internal;

/** Lexical categories the classifier distinguishes; comments and whitespace never become tokens. */
public enum TokenType {
    /** Keyword or unquoted identifier. */
    WORD,
    /** {@code "name"} (PostgreSQL) or {@code `name`} (MySQL). */
    QUOTED_IDENTIFIER,
    /** String literal of any form: {@code 'x'}, {@code E'x'}, {@code $$x$$}, MySQL {@code "x"}, {@code _utf8mb4'x'}. */
    STRING,
    NUMBER,
    /** {@code ?}, PostgreSQL {@code $1}, {@code :name}. */
    PARAMETER,
    /** MySQL {@code @user_var} or {@code @@system_var}. */
    VARIABLE,
    /** Operator such as {@code =}, {@code ::}, {@code ->>}, {@code @>}, {@code :=}. */
    OPERATOR,
    LEFT_PAREN,
    RIGHT_PAREN,
    COMMA,
    SEMICOLON,
    DOT,
    LEFT_BRACKET,
    RIGHT_BRACKET,
    /** Anything else ({@code {}}, stray characters). */
    OTHER
}
