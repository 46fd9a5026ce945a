package dev.junction.it.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What the consistency checker needs of a real replicated database, PostgreSQL or MariaDB: a Junction URL
 * prefix, a raw connection to the primary, the SQL that names the serving node, and a way to make each
 * replica fall behind and catch up.
 */
interface ReplicatedDatabase {
    /** A Junction URL over every node, without query parameters. */
    String junctionUrl();

    String user();

    String password();

    Connection rawPrimary() throws SQLException;

    /** A SELECT expression that evaluates to the serving node's port. */
    String servingPortExpression();

    int primaryPort();

    List<LaggableReplica> replicas();

    /** A replica whose replay can be stopped and resumed. */
    interface LaggableReplica {
        String name();

        void stopApplying();

        void resumeApplying();
    }
}
