package dev.junction.cli;

import dev.junction.cluster.PostgresNode;
import dev.junction.cluster.PostgresTwoMasterCluster;
import dev.junction.conflict.PostgresGuardTriggers;
import dev.junction.driver.reconcile.Reconciler;
import dev.junction.driver.reconcile.TableReport;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code junction demo --multi-master}: the model registry of issue 17 on two PostgreSQL masters (16+, logical
 * replication both ways), one per region. Each region's service writes through Junction homed on its own master,
 * with {@code model_versions} a conflict table. A partition (replication paused) lets both regions promote versions
 * of one model at once; the masters disagree until it heals, then both hold the later promotion. A fix made on one
 * master behind replication's back leaves them apart for good, until {@code reconcile} (dry run first) settles it.
 */
final class MultiMasterDemo {
    private static final List<String> COLUMNS =
            List.of("model_id", "version", "stage", "metrics", "_hlc", "_origin", "_deleted");

    private final PrintStream out;

    MultiMasterDemo(PrintStream out) {
        this.out = out;
    }

    int run() throws Exception {
        out.println("Starting two PostgreSQL masters on loopback (logical replication both ways) ...");
        try (PostgresTwoMasterCluster cluster = PostgresTwoMasterCluster.start()) {
            out.printf("Up in %d ms using %s.%n%n", cluster.startupTime().toMillis(), cluster.binaries());
            cluster.executeOnBoth("create table model_versions(model_id text, version int, stage text not null,"
                    + " metrics text not null, _hlc bigint not null default 0, _origin varchar(64) not null default '', _deleted boolean not null default false,"
                    + " primary key (model_id, version))");
            List<String> guards =
                    PostgresGuardTriggers.install("model_versions", List.of("model_id", "version"), COLUMNS);
            for (PostgresNode master : cluster.masters()) {
                master.execute(guards.toArray(String[]::new));
            }
            PostgresNode east = cluster.masters().get(0);
            PostgresNode west = cluster.masters().get(1);
            String url = "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres?topology=multi-master"
                    + "&conflictTables=model_versions&homeMaster=";
            Properties user = new Properties();
            user.setProperty("user", "postgres");
            try (Connection eastApp = DriverManager.getConnection(url + east.address(), user);
                    Connection westApp = DriverManager.getConnection(url + west.address(), user)) {
                out.println("Region east's service registers churn-model v1..v3 through Junction (home master "
                        + east.address() + "):");
                for (int version = 1; version <= 3; version++) {
                    write(
                            eastApp,
                            "insert into model_versions (model_id, version, stage, metrics) values"
                                    + " ('churn', ?, 'staging', ?)",
                            version,
                            "auc=0.8" + version);
                }
                write(
                        eastApp,
                        "update model_versions set stage = 'production' where model_id = 'churn' and version" + " = ?",
                        1);
                cluster.awaitReplication();
                show("Both masters, replicated:", cluster);

                out.println("A partition: replication between the regions stops. At the same time east promotes v2"
                        + " and west promotes v3 (each through its own Junction):");
                cluster.pauseReplication();
                write(
                        eastApp,
                        "update model_versions set stage = 'production' where model_id = 'churn' and version" + " = ?",
                        2);
                write(
                        westApp,
                        "update model_versions set stage = 'production' where model_id = 'churn' and version" + " = ?",
                        3);
                write(
                        westApp,
                        "update model_versions set stage = 'archived' where model_id = 'churn' and version" + " = ?",
                        2);
                show("Both masters, apart (each sees its own region's promotion):", cluster);

                out.println("The partition heals. Each master judges the other's changes by their stamps (guard"
                        + " triggers): the later write of each row wins on both.");
                cluster.resumeReplication();
                cluster.awaitReplication();
                show("Both masters, healed:", cluster);
            }

            out.println("An operator corrects v1's metrics on west alone, behind replication's back (a session with a"
                    + " replication origin, which the other master's subscription does not take):");
            try (Connection operator = west.connect();
                    Statement statement = operator.createStatement()) {
                statement.execute("select pg_replication_origin_create('demo_operator')");
                statement.execute("select pg_replication_origin_session_setup('demo_operator')");
                statement.execute("update model_versions set metrics = 'auc=0.81 (recomputed)', _hlc = _hlc + 1,"
                        + " _origin = 'operator' where model_id = 'churn' and version = 1");
            }
            cluster.awaitReplication();
            show("Both masters: apart for good, replication will not fix it:", cluster);

            String reconcileUrl = "jdbc:junction:postgresql://" + cluster.hostList()
                    + "/postgres?topology=multi-master&conflictTables=model_versions";
            try (Reconciler reconciler = Reconciler.open(reconcileUrl, user)) {
                out.println("$ junction reconcile " + reconcileUrl + " --dry-run");
                print(reconciler.reconcile("model_versions", true, null));
                out.println("$ junction reconcile " + reconcileUrl);
                print(reconciler.reconcile("model_versions", false, null));
                out.println("$ junction reconcile " + reconcileUrl + "   (again)");
                print(reconciler.reconcile("model_versions", false, null));
            }
            show(
                    "Both masters, reconciled (the decision is in junction_conflict_log on " + east.address() + "):",
                    cluster);
            out.println("Stopping every server by PID ...");
        }
        out.println("Done: no server left running.");
        return 0;
    }

    private static void write(Connection connection, String sql, int version, String... text) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (text.length == 0) {
                statement.setInt(1, version);
            } else {
                statement.setInt(1, version);
                statement.setString(2, text[0]);
            }
            statement.executeUpdate();
        }
    }

    private void print(TableReport report) {
        out.print(ReconcileCommand.render(List.of(report)));
        out.println(report.nothingToDo() ? "The masters agree: nothing to do." : "");
    }

    private void show(String title, PostgresTwoMasterCluster cluster) throws SQLException {
        out.println(title);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"master", "version", "stage", "metrics", "stamp", "written on"});
        for (PostgresNode master : cluster.masters()) {
            try (Connection connection = master.connect();
                    Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("select version, stage, metrics, _hlc, _origin"
                            + " from model_versions where model_id = 'churn' order by version")) {
                while (result.next()) {
                    rows.add(new String[] {
                        master.name(),
                        "v" + result.getInt(1),
                        result.getString(2),
                        result.getString(3),
                        dev.junction.conflict.HlcTimestamp.format(result.getLong(4)),
                        result.getString(5)
                    });
                }
            }
        }
        out.print(new TextTable(rows).render());
        out.println();
    }
}
