package dev.junction.driver.internal.jdbc;

import dev.junction.driver.internal.pipeline.StatementInfo;
import dev.junction.driver.internal.pipeline.StatementPipeline;
import dev.junction.router.Classification;
import dev.junction.router.StatementKind;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's {@link Statement}: each {@code execute*(sql)} is classified and runs on the node the routing
 * rules pick. A batch may hold any statements, so it runs as one batch on the primary (or in the transaction's node).
 */
final class JunctionStatement extends StatementBase<Statement> {
    private static final StatementInfo BATCH = new StatementInfo(
            StatementInfo.Kind.WRITE,
            StatementInfo.Hint.NONE,
            null,
            null,
            Classification.builder(StatementKind.UNKNOWN).build());

    private final List<String> batch = new ArrayList<>();

    JunctionStatement(RoutingConnection connection, Creator<Statement> creator, boolean updatable) {
        super(connection, creator, updatable);
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        // Refuses a malformed syncMode hint, or a conflict table's write that cannot be stamped, before anything runs.
        StatementInfo info = connection.pipeline().classify(sql);
        connection.pipeline().stampingOf(info, sql);
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        List<String> statements = List.copyOf(batch);
        batch.clear();
        chooseHintedSyncModes(statements);
        int[] counts = execute(BATCH, null, true, (physical, text) -> {
            physical.clearBatch();
            int[] reportedRows = new int[statements.size()];
            for (int i = 0; i < reportedRows.length; i++) {
                physical.addBatch(stamped(statements.get(i)));
                reportedRows[i] = connection.pipeline().lastRewriteRows();
            }
            int[] results = physical.executeBatch();
            for (int i = 0; i < results.length && i < reportedRows.length; i++) {
                if (reportedRows[i] >= 0) {
                    results[i] =
                            Math.min(results[i], reportedRows[i]); // an upsert standing for rows of the application
                }
            }
            return results;
        });
        pinIfUntracked(statements);
        return counts;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        List<String> statements = List.copyOf(batch);
        batch.clear();
        chooseHintedSyncModes(statements);
        long[] counts = execute(BATCH, null, true, (physical, text) -> {
            physical.clearBatch();
            int[] reportedRows = new int[statements.size()];
            for (int i = 0; i < reportedRows.length; i++) {
                physical.addBatch(stamped(statements.get(i)));
                reportedRows[i] = connection.pipeline().lastRewriteRows();
            }
            long[] results = physical.executeLargeBatch();
            for (int i = 0; i < results.length && i < reportedRows.length; i++) {
                if (reportedRows[i] >= 0) {
                    results[i] =
                            Math.min(results[i], reportedRows[i]); // an upsert standing for rows of the application
                }
            }
            return results;
        });
        pinIfUntracked(statements);
        return counts;
    }

    /** A batched statement as the rewrite step has it run on the batch's node (stamped, for a conflict table). */
    private String stamped(String sql) throws SQLException {
        StatementPipeline pipeline = connection.pipeline();
        return pipeline.rewrite(pipeline.classify(sql), sql, currentSession().node());
    }

    /**
     * A batched write's {@code syncMode} hint holds for the commit of the batch (or of its transaction): chosen before
     * the batch runs, since its commit is raised inside the run. Should the batch fail, the choice stays for the next
     * commit, which then waits more than it needed, never less.
     */
    private void chooseHintedSyncModes(List<String> statements) throws SQLException {
        for (String sql : statements) {
            connection.pipeline().chooseHintedSyncMode(connection.pipeline().classify(sql));
        }
    }

    /**
     * Session changes and transaction control inside a batch are not replayed (a batch is one round trip, its
     * effects are not checked one by one), so they pin the session to the node that ran the batch instead.
     */
    private void pinIfUntracked(List<String> statements) throws SQLException {
        for (String sql : statements) {
            StatementInfo info = connection.pipeline().classify(sql);
            if (info.pinReason() != null) {
                connection.pipeline().pin(currentSession(), info.pinReason());
            } else if (info.kind() != StatementInfo.Kind.READ && info.kind() != StatementInfo.Kind.WRITE) {
                connection.pipeline().pin(currentSession(), "session or transaction statement in a batch");
            }
        }
    }

    @Override
    StatementInfo describeInfo() {
        return BATCH;
    }
}
