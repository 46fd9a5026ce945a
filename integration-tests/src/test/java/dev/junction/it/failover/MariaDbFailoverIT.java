package dev.junction.it.failover;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.it.ClusterLogins;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/** {@link FailoverContract} on MariaDB 10.11: a primary and two GTID replicas. */
class MariaDbFailoverIT extends FailoverContract {
    @Override
    String database() {
        return "MariaDB";
    }

    @Override
    FailoverDrill.Bed start() {
        return bed(MariaDbCluster.primaryReplica().replicas(2).start());
    }

    static FailoverDrill.Bed bed(MariaDbCluster cluster) {
        return new FailoverDrill.Bed() {
            /** The node frozen or crashed, and the one promoted in its place. */
            private MariaDbNode former;

            private MariaDbNode promoted;

            @Override
            public String url() {
                return ClusterLogins.mariaDbUrl(cluster);
            }

            @Override
            public Properties credentials() {
                return ClusterLogins.mariaDbApplicationUser();
            }

            @Override
            public Connection rawPrimary() throws SQLException {
                return primary().connectAsApplicationUser();
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
                return former.connectAsApplicationUser();
            }

            @Override
            public boolean generationsTellPrimariesApart() {
                return false; // nothing in a MariaDB server tells which of two writable nodes was promoted last
            }

            /**
             * Fenced: shut down. Merely setting {@code read_only} would leave a replica that replicates from nobody,
             * which Junction counts as up and which never confirms a {@code syncMode=sync} commit.
             */
            @Override
            public void stepDownFormerPrimary() {
                former.stop();
            }

            @Override
            public boolean rebuildFormerPrimary() {
                cluster.rebuildAsReplica(former, promoted); // a fresh copy: it may hold commits the promoted node lacks
                return true;
            }

            @Override
            public int formerPrimaryPort() {
                return former.port();
            }

            @Override
            public List<String> setup() {
                return List.of();
            }

            @Override
            public String readSql() {
                return "SELECT COUNT(*), @@port FROM failover_rows WHERE writer = ?";
            }

            /** The promoted node once there is one: the thawed former primary also takes writes. */
            private MariaDbNode primary() {
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
