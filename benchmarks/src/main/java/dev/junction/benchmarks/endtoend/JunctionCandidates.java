package dev.junction.benchmarks.endtoend;

import dev.junction.cluster.MariaDbCluster;
import dev.junction.cluster.MariaDbNode;
import dev.junction.cluster.PostgresNode;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;

/**
 * Junction as the end-to-end benchmark measures it, over the same nodes as the raw baselines: reads on
 * replicas with the default {@code readConsistency=global}, with {@code eventual}, and with {@code strong}
 * (every statement to the primary, which isolates the driver's own overhead from the choice of node).
 * Without writes in flight, {@code global} and {@code eventual} route the same way; both are measured so the
 * report shows what the default costs.
 */
final class JunctionCandidates {
    private JunctionCandidates() {}

    static List<Candidate> postgres(PostgresNode primary, PostgresNode standby) {
        String url = "jdbc:junction:postgresql://" + primary.address() + "," + standby.address() + "/postgres";
        Properties credentials = new Properties();
        credentials.setProperty("user", "postgres");
        credentials.setProperty("password", "");
        return candidates(url, credentials);
    }

    static List<Candidate> mariaDb(MariaDbCluster cluster) {
        String url = "jdbc:junction:mysql://" + cluster.hostList() + "/" + MariaDbNode.DATABASE;
        return candidates(url, mariaDbProperties());
    }

    /** What the raw Connector/J baselines also use, so that both sides talk to the server alike. */
    static Properties mariaDbProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", MariaDbNode.APPLICATION_USER);
        properties.setProperty("password", MariaDbNode.APPLICATION_PASSWORD);
        properties.setProperty("sslMode", "DISABLED");
        properties.setProperty("allowPublicKeyRetrieval", "true");
        return properties;
    }

    private static List<Candidate> candidates(String url, Properties base) {
        return List.of(
                candidate("Junction, replicas (default global)", url, base, null, Candidate.ReadsFrom.STANDBY),
                candidate("Junction, replicas (eventual)", url, base, "eventual", Candidate.ReadsFrom.STANDBY),
                candidate("Junction, strong (all to primary)", url, base, "strong", Candidate.ReadsFrom.PRIMARY));
    }

    private static Candidate candidate(
            String name, String url, Properties base, String readConsistency, Candidate.ReadsFrom readsFrom) {
        Properties properties = new Properties();
        properties.putAll(base);
        if (readConsistency != null) {
            properties.setProperty("readConsistency", readConsistency);
        }
        return Candidate.of(name, true, readsFrom, () -> DriverManager.getConnection(url, properties));
    }
}
