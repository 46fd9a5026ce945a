package dev.junction.driver.internal.pipeline;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A result set of an optimistic transaction that the application is still reading when the transaction moves to the
 * primary: its later rows must come from the primary's replay of the same query, positioned where the application is.
 */
public interface ReplayableResult {
    /** Whether the application has not closed it. */
    boolean isOpen();

    /**
     * Reads on from {@code replayed}, positioned on the row the application is on, instead of the replica's rows; the
     * replica's result set is closed. {@code owner} is closed with it.
     */
    void continueOn(ResultSet replayed, Statement owner, NodeSession primary) throws SQLException;
}
