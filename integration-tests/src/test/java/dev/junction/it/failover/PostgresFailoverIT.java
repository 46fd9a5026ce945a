package dev.junction.it.failover;

import dev.junction.cluster.PostgresCluster;
import dev.junction.cluster.PostgresNode;
import dev.junction.it.ClusterLogins;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/** {@link FailoverContract} on PostgreSQL 15: a primary and two streaming standbys. */
class PostgresFailoverIT extends FailoverContract {
    @Override
    String database() {
        return "PostgreSQL";
    }

    @Override
    FailoverDrill.Bed start() {
        return bed(PostgresCluster.builder().standbys(2).start());
    }

    static FailoverDrill.Bed bed(PostgresCluster cluster) {
        return new FailoverDrill.Bed() {
            /** The node frozen or crashed, and the one promoted in its place. */
            private PostgresNode former;

            private PostgresNode promoted;

            @Override
            public String url() {
                return ClusterLogins.postgresUrl(cluster);
            }

            @Override
            public Properties credentials() {
                return ClusterLogins.postgresUser();
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return primary().connect();
            }

            @Override
            public String primaryAddress() {
                return primary().address();
            }

            @Override
            public void crashPrimary() {
                former = primary();
                former.crash();
            }

            @Override
            public void promote() {
                promoted = cluster.promoteMostAdvanced();
            }

            @Override
            public void freezePrimary() {
                former = primary();
                former.suspend();
            }

            @Override
            public void thawFormerPrimary() {
                former.resume();
            }

            @Override
            public Connection rawFormerPrimary() throws SQLException {
                return former.connect();
            }

            @Override
            public boolean generationsTellPrimariesApart() {
                return true; // the promoted node is on a newer timeline
            }

            @Override
            public void stepDownFormerPrimary() {}

            @Override
            public boolean rebuildFormerPrimary() {
                cluster.rebuildAsStandby(former, promoted);
                return true;
            }

            @Override
            public int formerPrimaryPort() {
                return former.port();
            }

            @Override
            public List<String> setup() {
                // inet_server_port() is node-specific, which routes to the primary; a stable function of the
                // application's that calls it is judged by its volatility, like any function of the application's.
                return List.of("create function server_port() returns int language sql stable"
                        + " as 'select inet_server_port()'");
            }

            @Override
            public String readSql() {
                return "select count(*), server_port() from failover_rows where writer = ?";
            }

            /** The promoted node once there is one: the thawed former primary also answers as primary. */
            private PostgresNode primary() {
                if (promoted != null) {
                    return promoted;
                }
                return cluster.currentPrimary()
                        .orElseThrow(() -> new IllegalStateException("no single primary in " + cluster));
            }

            @Override
            public void close() {
                cluster.close();
            }
        };
    }
}
