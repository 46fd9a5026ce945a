package dev.junction.driver.internal.pipeline;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A checksum of the rows of a result as the application reads them, so that a read of an optimistic transaction can
 * be shown to return the same rows when it is replayed on the primary ({@link TransactionMove}). Each row is folded in
 * when the cursor reaches it, column by column as text ({@code getString}: the one accessor every type answers), with
 * markers for null and for the end of a value, so that {@code ("ab", "c")} and {@code ("a", "bc")} differ. 64-bit
 * FNV-1a: not a cryptographic hash; a collision would let a replay that differs pass, with odds of about one in
 * 2^64 per comparison.
 */
public final class ResultChecksum {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;
    private static final char NULL = '\u0000';
    private static final char END_OF_VALUE = '\u0001';

    private long hash = OFFSET;
    private long rows;
    private boolean exhausted;

    /** The open result set the application is reading these rows from, which a move continues on the primary. */
    private ReplayableResult reader;

    /** Folds in the row {@code results} is on. */
    public void row(ResultSet results) throws SQLException {
        int columns = results.getMetaData().getColumnCount();
        for (int column = 1; column <= columns; column++) {
            String value = results.getString(column);
            if (value == null) {
                fold(NULL);
            } else {
                for (int i = 0; i < value.length(); i++) {
                    fold(value.charAt(i));
                }
            }
            fold(END_OF_VALUE);
        }
        rows++;
    }

    /** The cursor went past the last row: the whole result was read. */
    public void exhausted() {
        exhausted = true;
    }

    private void fold(char c) {
        hash = (hash ^ (c & 0xff)) * PRIME;
        hash = (hash ^ (c >>> 8)) * PRIME;
    }

    /** The application reads these rows through {@code reader}. */
    public void readBy(ReplayableResult reader) {
        this.reader = reader;
    }

    /** The result set still being read, or null when there is none or it was read to its end or closed. */
    ReplayableResult openReader() {
        return reader == null || exhausted || !reader.isOpen() ? null : reader;
    }

    long rows() {
        return rows;
    }

    boolean isExhausted() {
        return exhausted;
    }

    /**
     * Reads {@code replay} as far as this checksum's reader read the original, and says whether it returned the same
     * rows: the same checksum over as many rows, and, when the original was read to its end, no row more.
     */
    boolean matches(ResultSet replay) throws SQLException {
        ResultChecksum again = new ResultChecksum();
        while (again.rows < rows && replay.next()) {
            again.row(replay);
        }
        if (again.rows != rows || again.hash != hash) {
            return false;
        }
        return !exhausted || !replay.next();
    }
}
