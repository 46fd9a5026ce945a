package dev.junction.it.conflict;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.PostgresTwoMasterCluster;
import dev.junction.conflict.MariaDbGuardTriggers;
import dev.junction.conflict.PostgresGuardTriggers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * One two-master test bed as the multi-master contracts use it, whichever the database: PostgreSQL 16+ with logical
 * replication both ways ({@code origin = none}), or a MariaDB master-master ring configured as the guard triggers
 * need ({@code slave_run_triggers_for_rbr=ENFORCE}, {@code slave_exec_mode=IDEMPOTENT}, sibling tables kept from
 * replication with {@code replicate_wild_ignore_table}). Every process it starts
 * stops with {@link #close}.
 */
abstract class TwoMasterBed implements AutoCloseable {
    /** A Junction URL over both masters, followed by {@code parameters} ({@code ?a=b&c=d} or empty). */
    abstract String url(String parameters);

    /** The same, {@code topology=multi-master} homed on master {@code home}, followed by {@code more} ({@code &…}). */
    final String homedUrl(int home, String more) {
        return url("?topology=multi-master&homeMaster=" + address(home) + more);
    }

    /** What an application logs in with. */
    abstract Properties applicationCredentials();

    /** Credentials allowed to alter tables. */
    abstract Properties adminCredentials();

    /** A direct connection to master {@code index}, outside Junction, as an administrator. */
    abstract Connection rawMaster(int index) throws SQLException;

    /** master {@code index}'s host:port, as the URL names it. */
    abstract String address(int index);

    /** Runs {@code ddl} so that both masters have it, and lets it replicate. */
    abstract void createOnBoth(String... ddl);

    /** Installs the guard triggers of {@code table} on both masters, each its own. */
    abstract void installGuards(String table, List<String> key, List<String> columns);

    /** Runs {@code ddl} on master {@code index} only. */
    abstract void alterOne(int index, String ddl) throws SQLException;

    /** Makes {@code connection}'s writes stay on its master (not replicated). */
    abstract void keepToItself(Connection connection) throws SQLException;

    abstract void pauseReplication();

    abstract void resumeReplication();

    /** Waits until each master has applied what the other had written; fails at once on an apply error. */
    abstract void awaitReplication();

    /** Whether replication runs both ways now: appliers running, and a row written on each reaches the other. */
    abstract boolean replicating();

    abstract void killMaster1();

    abstract void restartMaster1();

    /** An upsert of (id, stage) into {@code model_versions} in the bed's dialect: parameters id and stage. */
    abstract String upsert();

    @Override
    public abstract void close();

    static TwoMasterBed postgres() {
        return new Postgres(PostgresTwoMasterCluster.start());
    }

    static TwoMasterBed mariaDb() {
        return new MariaDb(MariaDbCluster.masterMaster()
                .setting("--slave-run-triggers-for-rbr=ENFORCE")
                .setting("--slave-exec-mode=IDEMPOTENT")
                .setting("--replicate-wild-ignore-table=%.%_junction_siblings")
                .start());
    }

    private static final class Postgres extends TwoMasterBed {
        private final PostgresTwoMasterCluster cluster;

        Postgres(PostgresTwoMasterCluster cluster) {
            this.cluster = cluster;
            cluster.executeOnBoth("create table bed_heartbeat(id int primary key)");
        }

        @Override
        String url(String parameters) {
            return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres" + parameters;
        }

        @Override
        Properties applicationCredentials() {
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            return properties;
        }

        @Override
        Properties adminCredentials() {
            return applicationCredentials();
        }

        @Override
        Connection rawMaster(int index) throws SQLException {
            return cluster.masters().get(index).connect();
        }

        @Override
        String address(int index) {
            return cluster.masters().get(index).address();
        }

        @Override
        void createOnBoth(String... ddl) {
            cluster.executeOnBoth(ddl);
        }

        @Override
        void installGuards(String table, List<String> key, List<String> columns) {
            List<String> guards = PostgresGuardTriggers.install(table, key, columns);
            for (PostgresNode master : cluster.masters()) {
                master.execute(guards.toArray(String[]::new));
            }
        }

        @Override
        void alterOne(int index, String ddl) {
            cluster.masters().get(index).execute(ddl); // logical replication does not carry DDL
        }

        /** A replication origin: subscriptions with {@code origin = none} do not send its changes. */
        @Override
        void keepToItself(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute("select pg_replication_origin_create('junction_it_local') where not exists"
                        + " (select 1 from pg_replication_origin where roname = 'junction_it_local')");
                statement.execute("select pg_replication_origin_session_setup('junction_it_local')");
            }
        }

        @Override
        void pauseReplication() {
            cluster.pauseReplication();
        }

        @Override
        void resumeReplication() {
            cluster.resumeReplication();
        }

        @Override
        void awaitReplication() {
            cluster.awaitReplication();
        }

        /**
         * Every subscription enabled with its apply worker running, and a row written on each master reaches the
         * other. Apply errors counted while a master was down (a killed publisher) do not stop a subscription.
         */
        @Override
        boolean replicating() {
            for (PostgresNode master : cluster.masters()) {
                if (!"t".equals(master.queryString("select bool_and(subenabled) from pg_subscription"))
                        || !"0"
                                .equals(
                                        master.queryString(
                                                "select count(*) from pg_subscription s where not exists"
                                                        + " (select 1 from pg_stat_subscription w where w.subid = s.oid and w.pid is not null)"))) {
                    return false;
                }
            }
            return heartbeat(cluster.masters().get(0), cluster.masters().get(1));
        }

        private boolean heartbeat(PostgresNode first, PostgresNode second) {
            int id = (int) (System.nanoTime() & 0x3fffffff);
            first.execute("insert into bed_heartbeat values (" + id + ")");
            second.execute("insert into bed_heartbeat values (" + (id + 1) + ")");
            cluster.awaitReplication();
            String count = "select count(*) from bed_heartbeat where id in (" + id + ", " + (id + 1) + ")";
            return "2".equals(first.queryString(count)) && "2".equals(second.queryString(count));
        }

        @Override
        void killMaster1() {
            cluster.masters().get(1).kill();
        }

        @Override
        void restartMaster1() {
            cluster.masters().get(1).start();
        }

        @Override
        String upsert() {
            return "insert into model_versions (id, stage) values (?, ?) on conflict (id) do update set stage ="
                    + " excluded.stage";
        }

        @Override
        public void close() {
            cluster.close();
        }
    }

    private static final class MariaDb extends TwoMasterBed {
        private static final Duration TIMEOUT = Duration.ofSeconds(30);
        private final MariaDbCluster ring;

        MariaDb(MariaDbCluster ring) {
            this.ring = ring;
        }

        @Override
        String url(String parameters) {
            return "jdbc:junction:mariadb://" + ring.hostList() + "/" + MariaDbNode.DATABASE + parameters;
        }

        @Override
        Properties applicationCredentials() {
            Properties properties = new Properties();
            properties.setProperty("user", MariaDbNode.APPLICATION_USER);
            properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
            return properties;
        }

        @Override
        Properties adminCredentials() {
            Properties properties = new Properties();
            properties.setProperty("user", MariaDbNode.PRIVILEGED_USER);
            properties.setProperty("password", MariaDbNode.PRIVILEGED_PASSWORD);
            return properties;
        }

        @Override
        Connection rawMaster(int index) throws SQLException {
            return ring.masters().get(index).connect();
        }

        @Override
        String address(int index) {
            return ring.masters().get(index).address();
        }

        @Override
        void createOnBoth(String... ddl) {
            ring.masters().get(0).execute(ddl);
            ring.awaitReplication();
        }

        @Override
        void installGuards(String table, List<String> key, List<String> columns) {
            List<String> statements = new ArrayList<>();
            statements.add("SET SESSION sql_log_bin = 0"); // each master gets its own trigger
            statements.addAll(MariaDbGuardTriggers.install(table, key, columns));
            for (MariaDbNode master : ring.masters()) {
                master.execute(statements.toArray(String[]::new));
            }
        }

        @Override
        void alterOne(int index, String ddl) throws SQLException {
            try (Connection connection = rawMaster(index)) {
                keepToItself(connection);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(ddl);
                }
            }
        }

        /** {@code sql_log_bin = 0}: the writes never reach the binary log. */
        @Override
        void keepToItself(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET SESSION sql_log_bin = 0");
            }
        }

        @Override
        void pauseReplication() {
            ring.masters().stream().filter(MariaDbNode::isRunning).forEach(MariaDbNode::stopReplication);
        }

        @Override
        void resumeReplication() {
            for (MariaDbNode master : ring.masters()) {
                if (master.isRunning()) {
                    master.startReplication();
                }
            }
            for (MariaDbNode master : ring.masters()) {
                if (master.isRunning()) {
                    master.awaitReplicating(TIMEOUT);
                }
            }
        }

        @Override
        void awaitReplication() {
            for (MariaDbNode master : ring.masters()) {
                master.awaitReplicating(TIMEOUT);
            }
            ring.awaitReplication();
        }

        @Override
        boolean replicating() {
            return ring.masters().stream().allMatch(MariaDbNode::isReplicating);
        }

        @Override
        void killMaster1() {
            ring.masters().get(1).kill();
        }

        /** Restarted, and master 0 reconnects at once rather than at its next retry (a minute by default). */
        @Override
        void restartMaster1() {
            MariaDbNode master1 = ring.masters().get(1);
            master1.start();
            master1.startReplication();
            MariaDbNode master0 = ring.masters().get(0);
            master0.stopReplication();
            master0.startReplication();
        }

        @Override
        String upsert() {
            return "insert into model_versions (id, stage) values (?, ?) on duplicate key update stage = VALUES(stage)";
        }

        @Override
        public void close() {
            ring.close();
        }
    }
}
