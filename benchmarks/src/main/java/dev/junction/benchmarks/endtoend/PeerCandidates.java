package dev.junction.benchmarks.endtoend;

import dev.junction.cluster.PgpoolProxy;
import dev.junction.cluster.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;

/** The peers Junction is compared with in the same run: the AWS Advanced JDBC Wrapper and Pgpool-II. */
final class PeerCandidates {
    private PeerCandidates() {}

    /**
     * The AWS wrapper without plugins (pure wrapper overhead, to the primary) and with its simple read/write
     * splitting plugin ({@code srw}) reading from the standby after {@code setReadOnly(true)}, the only way
     * it sends reads to a replica. Outside AWS, {@code srw} must not verify node roles through Aurora's
     * topology tables: {@code verifyNewSrwConnections=false}.
     */
    static List<Candidate> awsWrapper(PostgresNode primary, PostgresNode standby) {
        String url = "jdbc:aws-wrapper:postgresql://" + primary.address() + "/postgres";
        Candidate plain = Candidate.of("AWS wrapper 3.2.0, no plugins", true, Candidate.ReadsFrom.PRIMARY, () -> {
            Properties properties = credentials();
            properties.setProperty("wrapperPlugins", "");
            return DriverManager.getConnection(url, properties);
        });
        Candidate readWriteSplitting =
                Candidate.of("AWS wrapper 3.2.0 srw, read-only → standby", false, Candidate.ReadsFrom.STANDBY, () -> {
                    Properties properties = credentials();
                    properties.setProperty("wrapperPlugins", "srw");
                    properties.setProperty("srwWriteEndpoint", primary.address());
                    properties.setProperty("srwReadEndpoint", standby.address());
                    properties.setProperty("verifyNewSrwConnections", "false");
                    Connection connection = DriverManager.getConnection(url, properties);
                    connection.setReadOnly(true);
                    return connection;
                });
        return List.of(plain, readWriteSplitting);
    }

    /**
     * Pgpool-II in streaming-replication mode with load balancing: reads to the standby (the primary's weight is
     * 0, see {@link PgpoolProxy}), writes to the primary.
     */
    static Candidate pgpool(PgpoolProxy pgpool) {
        return Candidate.of(
                "Pgpool-II 4.3 (load balancing)",
                true,
                Candidate.ReadsFrom.STANDBY,
                () -> DriverManager.getConnection(pgpool.jdbcUrl("postgres"), credentials()));
    }

    private static Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", "");
        return properties;
    }
}
