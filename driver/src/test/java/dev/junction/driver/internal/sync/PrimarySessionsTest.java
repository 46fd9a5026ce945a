package dev.junction.driver.internal.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.JunctionProperties;
import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrimarySessionsTest {
    /** A server whose synchronous replication is as the test says, and which records how it was asked. */
    private static final class Server implements ReplicaWaits {
        boolean waits;
        final List<Boolean> freshAsked = new ArrayList<>();

        @Override
        public Outcome await(
                SyncRequirement requirement,
                dev.junction.driver.SyncAck ack,
                Node primary,
                java.time.Duration timeout,
                boolean primaryReports,
                CommittingSession committing) {
            throw new AssertionError("not asked to wait");
        }

        @Override
        public boolean serverWaits(Node primary, boolean fresh) {
            freshAsked.add(fresh);
            return waits;
        }
    }

    private static PrimarySessions sessions(Map<String, String> properties, boolean postgres, Server server)
            throws SQLException {
        return new PrimarySessions(SyncPolicy.of(JunctionProperties.parse(properties), 3), postgres, () -> server);
    }

    @Test
    void applySessionsAskForRemoteApplyOnlyWhileTheServerWaits() throws SQLException {
        Server server = new Server();
        PrimarySessions sessions = sessions(Map.of("syncMode", "semi-sync", "syncAck", "apply"), true, server);
        assertThat(sessions.apply()).isTrue();
        assertThat(sessions.followServer()).isTrue();

        assertThat(sessions.forNewSession(null))
                .as("the server waits for nothing: the session keeps the server's level")
                .isNull();
        server.waits = true;
        assertThat(sessions.forNewSession(null)).isEqualTo("set synchronous_commit = remote_apply");
        assertThat(sessions.forOpenSession(null)).isEqualTo("set synchronous_commit = remote_apply");
        assertThat(server.freshAsked)
                .as("a new session reads the server afresh, an open one trusts a recent reading")
                .containsExactly(true, true, false);
    }

    @Test
    void flushSessionsAreSetWhateverTheServerDoesAndNeverAskIt() throws SQLException {
        Server server = new Server();
        PrimarySessions sessions = sessions(Map.of("syncMode", "sync", "syncAck", "flush"), true, server);
        assertThat(sessions.followServer()).isFalse();
        assertThat(sessions.forNewSession(null)).isEqualTo("set synchronous_commit = on");
        server.waits = true;
        assertThat(sessions.forOpenSession(null)).isEqualTo("set synchronous_commit = on");
        assertThat(server.freshAsked).isEmpty();
    }

    @Test
    void asyncDataSourcesAndMariaDbSessionsAreNotSet() throws SQLException {
        Server server = new Server();
        server.waits = true;
        PrimarySessions async = sessions(Map.of("syncMode", "async", "syncAck", "apply"), true, server);
        assertThat(async.apply()).isFalse();
        assertThat(async.forNewSession(null)).isNull();
        PrimarySessions mariaDb = sessions(Map.of("syncMode", "sync", "syncAck", "apply"), false, server);
        assertThat(mariaDb.apply()).isFalse();
        assertThat(mariaDb.forNewSession(null)).isNull();
        assertThat(server.freshAsked).isEmpty();
    }
}
