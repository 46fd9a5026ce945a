package dev.junction.driver.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.internal.backend.BackendDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the commit's position question does to the application's connection: the calls it makes, recorded. Whether
 * PgJDBC sends anything for them, and whether the question leaves a snapshot behind, is for the servers to show
 * ({@code SyncModesContract.theWaitLeavesTheApplicationsSessionAsItFoundIt}).
 */
class CommittingSessionTest {
    private final List<String> calls = new ArrayList<>();
    private boolean autoCommit;
    private boolean queryFails;

    @Test
    void withAutoCommitOffThePostgresQuestionRunsInAutoCommitAndPutsTheSessionBack() throws SQLException {
        CommittingSession session = new CommittingSession(BackendDialect.POSTGRESQL);
        session.committedOn(connection());

        assertThat(session.askable()).isTrue();
        assertThat(session.primaryAnswer(250)).isEqualTo("0/3000060");
        assertThat(calls)
                .containsSubsequence(
                        "setNetworkTimeout 250",
                        "setAutoCommit true",
                        "executeQuery " + CommitPositions.POSTGRESQL.committingQuery(),
                        "setAutoCommit false",
                        "setNetworkTimeout 7000");
    }

    @Test
    void theSessionIsPutBackWhenTheQuestionFails() throws SQLException {
        CommittingSession session = new CommittingSession(BackendDialect.POSTGRESQL);
        session.committedOn(connection());
        queryFails = true;

        assertThatThrownBy(() -> session.primaryAnswer(250)).isInstanceOf(SQLException.class);
        assertThat(calls).endsWith("setAutoCommit false", "setNetworkTimeout 7000");
    }

    @Test
    void theQuestionStaysPreparedOnItsConnectionAndIsPreparedAgainOnANewOne() throws SQLException {
        CommittingSession session = new CommittingSession(BackendDialect.POSTGRESQL);
        Connection first = connection();
        session.committedOn(first);
        session.primaryAnswer(250);
        session.primaryAnswer(250);
        session.committedOn(connection());
        session.primaryAnswer(250);

        assertThat(calls)
                .filteredOn(call -> call.startsWith("prepareStatement"))
                .hasSize(2);
    }

    @Test
    void onTheMySqlFamilyOnlyAnAutoCommitSessionIsAsked() throws SQLException {
        CommittingSession session = new CommittingSession(BackendDialect.MYSQL);
        session.committedOn(connection());
        assertThat(session.askable()).as("SET autocommit is a round trip there").isFalse();

        autoCommit = true;
        assertThat(session.askable()).isTrue();
        session.committedOn(null);
        assertThat(session.askable()).isFalse();
    }

    private Connection connection() {
        return RecordedServer.proxy(Connection.class, (method, args) -> {
            calls.add(method + (args == null || args.length == 0 ? "" : " " + args[args.length - 1]));
            return switch (method) {
                case "getAutoCommit" -> autoCommit;
                case "setAutoCommit" -> {
                    autoCommit = (Boolean) args[0];
                    yield null;
                }
                case "getNetworkTimeout" -> 7000;
                case "setNetworkTimeout" -> null;
                case "prepareStatement" -> statement((String) args[0]);
                case "getMetaData" -> null;
                default -> throw new UnsupportedOperationException(method);
            };
        });
    }

    private PreparedStatement statement(String sql) {
        return RecordedServer.proxy(PreparedStatement.class, (method, args) -> {
            if (!method.equals("executeQuery")) {
                throw new UnsupportedOperationException(method);
            }
            calls.add("executeQuery " + sql);
            if (queryFails) {
                throw new SQLException("connection lost", "08006");
            }
            boolean[] read = {false};
            return RecordedServer.proxy(ResultSet.class, (inner, innerArgs) -> switch (inner) {
                case "next" -> !read[0] && (read[0] = true);
                case "getString" -> "0/3000060";
                case "close" -> null;
                default -> throw new UnsupportedOperationException(inner);
            });
        });
    }
}
