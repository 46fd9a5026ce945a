package dev.junction.it.safety;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a script saw through one connection, step by step: the rows of every result, update counts, the values
 * of getters such as {@code getAutoCommit()}, and errors by SQLState and vendor code (messages differ: Junction
 * names the node). The same script run through the raw driver on the primary and through Junction must leave equal
 * transcripts; column labels are left out, since they repeat literals that differ between the two runs.
 *
 * <p>An error does not end the script: later steps still run and are recorded, so that a difference shows where it
 * starts and what followed.
 */
final class Transcript {
    /** One step of a script that may throw. */
    @FunctionalInterface
    interface Step {
        void run() throws SQLException;
    }

    /** One step of a script that returns a value to record. */
    @FunctionalInterface
    interface Read<T> {
        T get() throws SQLException;
    }

    private final Connection connection;
    private final String tag;
    private final List<String> entries = new ArrayList<>();
    private final List<String> errorMessages = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    /**
     * @param tag what {@code {tag}} stands for in every SQL text this transcript runs: the run's own name, so that
     *            two runs of one script write distinguishable rows and use distinct XA ids and objects. The
     *            transcript records the text with {@code {tag}}, so that two runs compare equal.
     */
    Transcript(Connection connection, String tag) {
        this.connection = connection;
        this.tag = tag;
    }

    Connection connection() {
        return connection;
    }

    String tag() {
        return tag;
    }

    private String expand(String sql) {
        return sql.replace("{tag}", tag);
    }

    /** Runs {@code sql} with {@link Statement#execute(String)} and records every result it returns. */
    Transcript sql(String sql) {
        try (Statement statement = connection.createStatement()) {
            boolean isResultSet = statement.execute(expand(sql));
            recordResults(sql, statement, isResultSet);
        } catch (SQLException e) {
            error(sql, e);
        }
        return this;
    }

    /** Prepares {@code sql}, binds {@code parameters} as strings and executes it, recording every result. */
    Transcript prepared(String sql, String... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(expand(sql))) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, expand(parameters[i]));
            }
            boolean isResultSet = statement.execute();
            recordResults("prepared " + sql, statement, isResultSet);
        } catch (SQLException e) {
            error("prepared " + sql, e);
        }
        return this;
    }

    /** Runs {@code sqls} as one {@link Statement#executeBatch()} and records the update counts. */
    Transcript batch(String... sqls) {
        try (Statement statement = connection.createStatement()) {
            for (String sql : sqls) {
                statement.addBatch(expand(sql));
            }
            entries.add("batch " + Arrays.toString(sqls) + " -> " + Arrays.toString(statement.executeBatch()));
        } catch (SQLException e) {
            error("batch " + Arrays.toString(sqls), e);
        }
        return this;
    }

    /** Runs {@code sql} as a prepared batch, one execution per parameter, and records the update counts. */
    Transcript preparedBatch(String sql, String... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(expand(sql))) {
            for (String parameter : parameters) {
                statement.setString(1, expand(parameter));
                statement.addBatch();
            }
            entries.add("prepared batch " + sql + " x" + parameters.length + " -> "
                    + Arrays.toString(statement.executeBatch()));
        } catch (SQLException e) {
            error("prepared batch " + sql, e);
        }
        return this;
    }

    /** Runs a JDBC call such as {@code setCatalog} and records that it returned or how it failed. */
    Transcript call(String label, Step step) {
        try {
            step.run();
            entries.add(label + " ok");
        } catch (SQLException e) {
            error(label, e);
        }
        return this;
    }

    /** Records what a JDBC getter such as {@code getAutoCommit()} returns. */
    Transcript value(String label, Read<?> read) {
        try {
            entries.add(label + " = " + read.get());
        } catch (SQLException e) {
            error(label, e);
        }
        return this;
    }

    /**
     * Checks a claim that holds whatever the raw driver does (a getter Junction must answer from what it knows), kept
     * out of {@link #entries()} so that the comparison with the raw driver's run does not depend on it.
     */
    Transcript expect(String label, Object expected, Read<?> read) {
        try {
            Object actual = read.get();
            if (!expected.equals(actual)) {
                violations.add(label + " returned " + actual + ", expected " + expected);
            }
        } catch (SQLException e) {
            violations.add(label + " failed: " + e.getSQLState() + " " + e.getMessage());
        }
        return this;
    }

    private void recordResults(String sql, Statement statement, boolean isResultSet) throws SQLException {
        StringBuilder results = new StringBuilder(sql).append(" ->");
        while (true) {
            if (isResultSet) {
                try (ResultSet rows = statement.getResultSet()) {
                    results.append(' ').append(rows(rows));
                }
            } else {
                int count = statement.getUpdateCount();
                if (count == -1) {
                    break;
                }
                results.append(" count ").append(count);
            }
            isResultSet = statement.getMoreResults();
        }
        entries.add(results.toString());
    }

    private static List<List<String>> rows(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<List<String>> table = new ArrayList<>();
        while (rows.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.add(rows.getString(i));
            }
            table.add(row);
        }
        return table;
    }

    private void error(String what, SQLException e) {
        entries.add(what + " -> error " + e.getSQLState() + "/" + e.getErrorCode());
        errorMessages.add(e.getSQLState() + " " + e.getMessage());
    }

    /** The steps as recorded; any value that repeats the tag shows {@code {tag}} instead. */
    List<String> entries() {
        return entries.stream().map(e -> e.replace(tag, "{tag}")).toList();
    }

    boolean hasErrors() {
        return !errorMessages.isEmpty();
    }

    /** Full messages of the errors, each once, for a failure message (the transcript keeps only codes). */
    List<String> errorMessages() {
        return errorMessages.stream().distinct().toList();
    }

    /** Claims checked with {@link #expect} that did not hold. */
    List<String> violations() {
        return violations;
    }
}
