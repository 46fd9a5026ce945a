package dev.junction.router;

import java.util.Locale;

/**
 * Where a transaction that the application did not declare read-only starts ({@code transactionRouting}; design §2
 * rule 2). Auto-commit off and not read-only says nothing about whether a transaction will write, and most
 * applications never say more (JDBC code written by hand, Spring's default {@code @Transactional}, benchmark clients).
 */
public enum TransactionRouting {
    /** On the primary, from its first statement: safe, and no read of such a transaction ever reaches a replica. */
    PRIMARY,
    /**
     * On a qualifying replica when its first statement is a plain read; at the first statement that needs the primary
     * it moves there: rolled back on the replica and its statements replayed on the primary, continuing only if every
     * replayed read returns the rows it returned before (else a serialization failure, {@code 40001}).
     */
    OPTIMISTIC,
    /**
     * As {@link #OPTIMISTIC}, for the transactions whose first statement has a shape that has been seen to begin
     * transactions that stay read-only; shapes that went on to write, or have not been seen yet, start on the primary.
     */
    LEARNED;

    /** The value as written in properties. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a property value, ignoring case.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static TransactionRouting fromPropertyValue(String value) {
        for (TransactionRouting routing : values()) {
            if (routing.propertyValue().equalsIgnoreCase(value)) {
                return routing;
            }
        }
        throw new IllegalArgumentException(
                "Invalid transaction routing \"" + value + "\": expected primary, optimistic or learned.");
    }
}
