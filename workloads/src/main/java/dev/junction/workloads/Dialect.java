package dev.junction.workloads;

/** The SQL a mix writes differently for each backend: only its DDL; every statement of a transaction is the same. */
public enum Dialect {
    POSTGRESQL("varchar(100)", "bigint"),
    MARIADB("VARCHAR(100)", "BIGINT");

    private final String text;
    private final String bigint;

    Dialect(String text, String bigint) {
        this.text = text;
        this.bigint = bigint;
    }

    /** A short text column. */
    String text() {
        return text;
    }

    /** A 64-bit integer column (money in cents, counters, instants). */
    String bigint() {
        return bigint;
    }
}
