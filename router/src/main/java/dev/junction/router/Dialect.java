package dev.junction.router;

/**
 * The SQL dialect of a data source. It decides how the classifier tokenizes text (quoting, comments,
 * dollar-quoting, {@code #} comments, backticks) and which functions count as built-in.
 */
public enum Dialect {
    /** PostgreSQL: double-quoted identifiers, unquoted names folded to lower case, {@code $n}. */
    POSTGRESQL,
    /** MySQL and MariaDB: backtick identifiers, {@code #} comments, backslash escapes in strings. */
    MYSQL
}
