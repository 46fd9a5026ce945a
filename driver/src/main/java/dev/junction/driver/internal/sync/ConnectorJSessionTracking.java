package dev.junction.driver.internal.sync;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.protocol.ServerSessionStateController;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The GTID of a commit as MariaDB reports it in its answer to the commit, read through MySQL Connector/J's session
 * state tracking ({@code trackSessionState=true}, with the session's {@code session_track_system_variables} naming
 * {@code last_gtid}): the position a sync wait needs, with no question to the primary after the commit. MariaDB
 * Connector/J parses the same report but keeps only the variables it uses itself, so this path is MySQL Connector/J's.
 *
 * <p>Connector/J replaces what it holds with every answer it reads (an answer that reports nothing leaves nothing), so
 * a GTID read here right after a commit returned is that commit's, never an earlier one's. Only this class names
 * Connector/J's types: it is used only for a connection that is Connector/J's ({@code CommittingSession} tells by
 * class name), so the driver runs without Connector/J on the class path.
 */
final class ConnectorJSessionTracking {
    /** The variable MariaDB reports a session's last commit in. */
    static final String LAST_GTID = "last_gtid";
    /** Adds {@value #LAST_GTID} to what the session reports, keeping what it reported before. */
    static final String TRACK_LAST_GTID = "set session_track_system_variables ="
            + " concat_ws(',', nullif(@@session.session_track_system_variables, ''), 'last_gtid')";

    private ConnectorJSessionTracking() {}

    /** Whether the connection reads the server's session state reports ({@code trackSessionState}). */
    static boolean tracksSessionState(Connection connection) throws SQLException {
        return connection
                .unwrap(JdbcConnection.class)
                .getPropertySet()
                .getBooleanProperty(PropertyKey.trackSessionState)
                .getValue();
    }

    /** {@value #LAST_GTID} as reported with the last answer the connection read; null when that answer had none. */
    static String lastGtid(Connection connection) throws SQLException {
        ServerSessionStateController.ServerSessionStateChanges changes = connection
                .unwrap(JdbcConnection.class)
                .getServerSessionStateController()
                .getSessionStateChanges();
        if (changes == null) {
            return null;
        }
        for (ServerSessionStateController.SessionStateChange change : changes.getSessionStateChangesList()) {
            if (change.getType() != ServerSessionStateController.SESSION_TRACK_SYSTEM_VARIABLES) {
                continue;
            }
            List<String> values = change.getValues(); // name, value, name, value, ...
            for (int i = 0; i + 1 < values.size(); i += 2) {
                if (LAST_GTID.equalsIgnoreCase(values.get(i))) {
                    return values.get(i + 1);
                }
            }
        }
        return null;
    }
}
