package dev.junction.workloads;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A set of transaction kinds drawn with fixed weights over a schema of its own: its tables, their initial rows, the
 * next transaction, and the invariants its writes keep, checked on the primary after a run.
 */
public interface TransactionMix {
    /** {@code ycsb} or {@code tpcc}. */
    String name();

    /** One line: the kinds, their weights, the data size and key distribution. */
    String description();

    /** Drops and creates the mix's tables and loads their initial rows (auto-commit, on the primary). */
    void load(Connection primary, Dialect dialect) throws SQLException;

    /** Reads what the mix needs before a run over existing data (the next free insert key). */
    void prepare(Connection primary) throws SQLException;

    /** The next transaction, its inputs drawn from {@code random}. */
    Operation next(SplittableRandom random);

    /** What is wrong with the data now: empty when every invariant of the mix holds. */
    List<String> violations(Connection primary) throws SQLException;

    /**
     * A digest of the whole content of the mix's tables, to compare two runs of the same operations: equal digests
     * mean equal data.
     */
    String digest(Connection primary) throws SQLException;
}
