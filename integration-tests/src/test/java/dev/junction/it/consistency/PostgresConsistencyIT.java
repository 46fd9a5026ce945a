package dev.junction.it.consistency;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Read consistency through Junction on PostgreSQL streaming replication while replay on the standbys is
 * paused and resumed at random: the contract's checks on this database.
 */
class PostgresConsistencyIT extends ReadConsistencyContract {
    private static PostgresCluster cluster;
    private static ConsistencyChecker checker;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().standbys(2).start();
        // inet_server_port() is node-specific, so the router sends it to the primary; a STABLE wrapper that the
        // catalog lookup finds read-only may run on a standby and then names it (as PostgresRoutingIT does).
        cluster.primary()
                .execute(
                        "create function server_port() returns int language sql stable as 'select inet_server_port()'");
        checker = new ConsistencyChecker(new ReplicatedDatabase() {
            @Override
            public String junctionUrl() {
                return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";
            }

            @Override
            public String user() {
                return "postgres";
            }

            @Override
            public String password() {
                return "";
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return cluster.primary().connect();
            }

            @Override
            public String servingPortExpression() {
                return "server_port()";
            }

            @Override
            public int primaryPort() {
                return cluster.primary().port();
            }

            @Override
            public List<LaggableReplica> replicas() {
                return cluster.standbys().stream()
                        .map(PostgresConsistencyIT::laggable)
                        .toList();
            }
        });
    }

    private static ReplicatedDatabase.LaggableReplica laggable(PostgresNode standby) {
        return new ReplicatedDatabase.LaggableReplica() {
            @Override
            public String name() {
                return standby.name();
            }

            @Override
            public void stopApplying() {
                standby.pauseReplay();
            }

            @Override
            public void resumeApplying() {
                standby.resumeReplay();
            }
        };
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    ConsistencyChecker checker() {
        return checker;
    }

    @Override
    String databaseName() {
        return "PostgreSQL";
    }

    @Override
    void awaitReplication() {
        cluster.awaitReplication();
    }
}
