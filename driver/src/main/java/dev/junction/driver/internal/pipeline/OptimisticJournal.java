package dev.junction.driver.internal.pipeline;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an optimistic transaction has run on its replica, in order, so that it can run again on the primary when it
 * moves ({@link TransactionMove}): each statement's text as it ran, its parameters as they were bound, and for a read
 * the checksum of the rows the application read.
 */
public final class OptimisticJournal {
    /** Parameters bound to a prepared statement, as they were when it ran. */
    @FunctionalInterface
    public interface Parameters {
        void bindTo(PreparedStatement statement) throws SQLException;
    }

    /** One execution; {@code updateCount} is -1 when it is not known (a read, {@code execute}). */
    record Entry(String text, Parameters parameters, ResultChecksum checksum, long updateCount) {}

    private final List<Entry> entries = new ArrayList<>();
    private boolean unreplayable;

    /**
     * Records an execution.
     *
     * @param parameters null for a plain statement
     * @param read whether it returned rows, whose checksum the returned object accumulates as they are read
     * @return the checksum of its rows, or null when it returned none
     */
    public ResultChecksum ran(String text, Parameters parameters, boolean read) {
        return ran(text, parameters, read, -1);
    }

    /** The same, for a write whose update count is known: a replay must change as many rows. */
    public ResultChecksum ran(String text, Parameters parameters, boolean read, long updateCount) {
        ResultChecksum checksum = read ? new ResultChecksum() : null;
        entries.add(new Entry(text, parameters, checksum, updateCount));
        return checksum;
    }

    /** Something ran that cannot be replayed (several results from one execution, a scrollable cursor...). */
    public void unreplayable() {
        unreplayable = true;
    }

    boolean replayable() {
        return !unreplayable;
    }

    List<Entry> entries() {
        return entries;
    }
}
