package dev.junction.it;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresCluster;
import java.util.Properties;

/** The Junction URL of a test cluster and the account the application uses on it, spelt once for the beds. */
public final class ClusterLogins {
    private ClusterLogins() {}

    /** Every node of {@code cluster}, database {@code postgres}. */
    public static String postgresUrl(PostgresCluster cluster) {
        return "jdbc:junction:postgresql://" + cluster.hostList() + "/postgres";
    }

    /** The {@code postgres} superuser, which the test clusters trust on loopback. */
    public static Properties postgresUser() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        return properties;
    }

    /** Every node of {@code cluster}, the application's database. */
    public static String mariaDbUrl(MariaDbCluster cluster) {
        return "jdbc:junction:mariadb://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
    }

    /** The application account every MariaDB test node has ({@link MariaDbNode#APPLICATION_USER}). */
    public static Properties mariaDbApplicationUser() {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        return properties;
    }
}
