package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.jdbc.RoutingConnection;
import dev.junction.driver.internal.topology.TransactionMoves;
import dev.junction.example.RecordService;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Optimistic transactions over fake nodes (design §2 rule 2, {@code transactionRouting}): where they start, how they
 * move to the primary, what a move replays and compares, and what {@code learned} routing learns. That real servers
 * behave so is shown by the integration tests.
 */
class TransactionMoveTest {
    private static final String READ = "select id, balance from accounts where id = 1";
    private static final List<List<String>> ROW = List.of(List.of("1", "100"));

    private FakeCluster cluster;
    private FakeCluster.FakeServer replica;
    private FakeCluster.FakeServer primary;

    @BeforeEach
    void cluster() {
        cluster = new FakeCluster("primary", "replica");
        primary = cluster.server(0);
        replica = cluster.server(1);
        primary.returns(READ, ROW);
        replica.returns(READ, ROW);
    }

    private static void run(RoutingConnection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (statement.execute(sql)) {
                try (ResultSet rows = statement.getResultSet()) {
                    while (rows.next()) {
                        rows.getString(1);
                    }
                }
            }
        }
    }

    private TransactionMoves.Snapshot moves(RoutingConnection connection) {
        return connection.pipeline().topology().transactionMoves().snapshot();
    }

    @Test
    void anOptimisticTransactionThatOnlyReadsRunsAndCommitsOnAReplica() throws SQLException {
        RoutingConnection connection = cluster.connect("?transactionRouting=optimistic");
        connection.setAutoCommit(false);
        run(connection, READ);
        run(connection, READ);
        connection.commit();
        assertThat(replica.statements()).containsExactly("setAutoCommit=false", READ, READ, "commit");
        assertThat(primary.statements()).isEmpty();
        assertThat(moves(connection).started()).isEqualTo(1);
        assertThat(moves(connection).moved()).isZero();
    }

    @Test
    void aWriteMovesTheTransactionItsReadsReplayedOnThePrimaryBeforeIt() throws SQLException {
        RoutingConnection connection = cluster.connect("?transactionRouting=optimistic");
        connection.setAutoCommit(false);
        run(connection, READ);
        run(connection, "update accounts set balance = 90 where id = 1");
        connection.commit();
        assertThat(replica.statements()).containsExactly("setAutoCommit=false", READ, "rollback");
        assertThat(primary.statements())
                .containsExactly(
                        "setAutoCommit=false", READ, "update accounts set balance = 90 where id = 1", "commit");
        assertThat(moves(connection).moved()).isEqualTo(1);
        assertThat(moves(connection).replayedStatements()).isEqualTo(1);
    }

    @Test
    void aReplayedReadThatReturnsOtherRowsRollsBackWithASerializationFailure() throws SQLException {
        RoutingConnection connection = cluster.connect("?transactionRouting=optimistic");
        primary.returns(READ, List.of(List.of("1", "95"))); // written on the primary since the replica's rows
        connection.setAutoCommit(false);
        run(connection, READ);
        assertThatThrownBy(() -> run(connection, "update accounts set balance = 90 where id = 1"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"))
                .hasMessageContaining("read 1 of 1 returned other rows");
        assertThat(primary.statements()).containsExactly("setAutoCommit=false", READ, "rollback");
        assertThat(moves(connection).conflicts()).isEqualTo(1);
        // The retry starts on the primary: on the replica, still behind, it would read the same rows and conflict
        // again. The one after it may start on a replica again.
        connection.rollback();
        primary.returns(READ, ROW);
        run(connection, READ);
        assertThat(primary.statements()).endsWith(READ);
        connection.commit();
        run(connection, READ);
        assertThat(replica.statements()).endsWith(READ);
    }

    @Test
    void aResultSetStillBeingReadGoesOnFromThePrimaryAfterTheMove() throws SQLException {
        String scan = "select id from accounts order by id";
        List<List<String>> three = List.of(List.of("1"), List.of("2"), List.of("3"));
        replica.returns(scan, three);
        primary.returns(scan, List.of(List.of("1"), List.of("2"), List.of("3-primary")));
        RoutingConnection connection = cluster.connect("?transactionRouting=optimistic");
        connection.setAutoCommit(false);
        try (Statement reader = connection.createStatement();
                ResultSet rows = reader.executeQuery(scan)) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("1");
            run(connection, "update accounts set balance = 0 where id = 1"); // moves: rows 1 compared, reading goes on
            assertThat(rows.getString(1)).as("the same row, now the primary's").isEqualTo("1");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("2");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).as("the primary's rows from here on").isEqualTo("3-primary");
            assertThat(rows.next()).isFalse();
        }
        connection.commit();
        assertThat(moves(connection).moved()).isEqualTo(1);
    }

    @Test
    void aPreparedReadIsReplayedWithTheParametersItRanWith() throws SQLException {
        String byId = "select id, balance from accounts where id = ?";
        replica.returns(byId, ROW);
        primary.returns(byId, ROW);
        RoutingConnection connection = cluster.connect("?transactionRouting=optimistic");
        connection.setAutoCommit(false);
        try (PreparedStatement read = connection.prepareStatement(byId)) {
            read.setInt(1, 1);
            try (ResultSet rows = read.executeQuery()) {
                assertThat(rows.next()).isTrue();
            }
            read.setInt(1, 2); // changed after it ran: the replay must bind what ran
        }
        run(connection, "update accounts set balance = 90 where id = 1");
        assertThat(primary.statements())
                .containsSubsequence("bind 1=1", byId, "update accounts set balance = 90 where id = 1");
        assertThat(primary.statements()).doesNotContain("bind 1=2");
    }

    @Test
    void aTransactionDeclaredReadOnlyNeverMoves() throws SQLException {
        RoutingConnection connection = cluster.connect("?transactionRouting=optimistic");
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        run(connection, READ);
        run(connection, "select nextval('s')");
        connection.commit();
        assertThat(primary.statements()).isEmpty();
        assertThat(moves(connection).started()).isZero();
    }

    @Test
    void primaryRoutingStartsEveryTransactionOnThePrimary() throws SQLException {
        RoutingConnection connection = cluster.connect("?transactionRouting=primary");
        connection.setAutoCommit(false);
        run(connection, READ);
        connection.commit();
        assertThat(primary.statements()).containsExactly("setAutoCommit=false", READ, "commit");
        assertThat(replica.statements()).isEmpty();
    }

    @Test
    void serializableOnPostgresStaysOnThePrimary() throws SQLException {
        RoutingConnection connection = cluster.connect("?transactionRouting=optimistic");
        connection.setTransactionIsolation(java.sql.Connection.TRANSACTION_SERIALIZABLE);
        connection.setAutoCommit(false);
        run(connection, READ);
        connection.commit();
        assertThat(replica.statements()).isEmpty();
        assertThat(primary.statements()).contains(READ);
    }

    @Test
    void learnedRoutingStartsAShapeOnAReplicaOnceItStayedReadOnlyAndOnThePrimaryOnceItWroteTooOften()
            throws SQLException {
        // one write after one read-only transaction puts the shape's write share at 1/16, above this connection's 0.05
        RoutingConnection connection = cluster.connect("?transactionRouting=learned&learnedWriteShare=0.05");
        connection.setAutoCommit(false);
        run(connection, READ); // not seen yet: the primary, where whether it writes is learnt at no cost
        connection.commit();
        assertThat(primary.statements()).containsExactly("setAutoCommit=false", READ, "commit");
        run(connection, READ); // stayed read-only: a replica
        run(connection, "update accounts set balance = 90 where id = 1"); // ...which moves this time
        connection.commit();
        assertThat(replica.statements()).contains(READ, "rollback");
        run(connection, READ); // it wrote: the primary again
        connection.commit();
        assertThat(primary.statements()).endsWith(READ, "commit");
        assertThat(moves(connection).moved()).isEqualTo(1);
    }

    @Test
    void learnedRoutingKeepsAShapeOnAReplicaWhileItsWriteShareStaysBelowTheDefault() throws SQLException {
        RoutingConnection connection = cluster.connect("?transactionRouting=learned");
        connection.setAutoCommit(false);
        run(connection, READ); // not seen yet: the primary
        connection.commit();
        run(connection, READ); // stayed read-only: a replica
        run(connection, "update accounts set balance = 90 where id = 1"); // ...which moves
        connection.commit();
        long readsOnReplica = count(replica.statements(), READ);
        long readsOnPrimary = count(primary.statements(), READ);
        run(connection, READ); // 1 of 16 wrote lately, below learnedWriteShare=0.1: a replica still
        connection.commit();
        assertThat(count(replica.statements(), READ)).isEqualTo(readsOnReplica + 1);
        assertThat(count(primary.statements(), READ)).isEqualTo(readsOnPrimary);
        assertThat(moves(connection).moved()).isEqualTo(1);
    }

    /**
     * YCSB's read and read-modify-write begin with the same {@code SELECT} from two methods: by shape alone a quarter
     * of the transactions write and all start on the primary; by call site the reads start on a replica and the
     * read-modify-writes on the primary, without a move.
     */
    @Test
    void learnedRoutingTellsAReadFromAReadModifyWriteWithTheSameFirstStatementByItsCallSite() throws SQLException {
        String update = "update accounts set balance = balance + 1 where id = 1";
        RecordService service = new RecordService(READ, update);
        RoutingConnection connection = cluster.connect("?transactionRouting=learned");
        connection.setAutoCommit(false);
        long movesWhileLearning = 0;
        int primaryReads = 0;
        int replicaReads = 0;
        for (int i = 0; i < 56; i++) { // one loop: each method is called from one line, as an application's would be
            if (i == 40) { // learnt: a quarter of the shape's transactions wrote, all from one method
                movesWhileLearning = moves(connection).moved();
                primaryReads = (int) count(primary.statements(), READ);
                replicaReads = (int) count(replica.statements(), READ);
            }
            boolean writes = i < 40 ? i % 4 == 3 : i % 2 == 1;
            if (writes) {
                service.readModifyWriteRecord(connection);
            } else {
                service.readRecord(connection);
            }
        }
        assertThat(count(replica.statements(), READ)).as("the reads").isEqualTo(replicaReads + 8);
        assertThat(count(primary.statements(), READ))
                .as("the read-modify-writes")
                .isEqualTo(primaryReads + 8);
        assertThat(count(primary.statements(), update)).isEqualTo(10 + 8);
        assertThat(replica.statements()).doesNotContain(update);
        assertThat(moves(connection).moved()).as("no move once learnt").isEqualTo(movesWhileLearning);
        assertThat(connection.pipeline().topology().transactionShapes().callSiteCount())
                .as("the two methods")
                .isEqualTo(2);
    }

    private static long count(List<String> statements, String statement) {
        return statements.stream().filter(statement::equals).count();
    }
}
