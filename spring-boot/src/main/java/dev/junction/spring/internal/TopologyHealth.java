package dev.junction.spring.internal;

import dev.junction.driver.JunctionConnection;
import dev.junction.driver.NodeStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The health of a Junction data source, in terms neither Boot line owns, so that Boot 3.5's and Boot 4.0's
 * indicators are adapters of one line. UP while some node reports itself primary and its last probe answered; DOWN
 * otherwise, or when no connection can be had; UNKNOWN when the application has no single data source. Details: {@code nodes}, one entry per node in the monitor's
 * order with {@code address}, {@code role}, {@code status} (UP/DOWN), {@code stalenessBound}, {@code position},
 * {@code roundTrip}, {@code consecutiveFailures} and {@code lastError} when known. Nothing here carries credentials:
 * {@link NodeStatus} has none and Junction's messages never quote them.
 *
 * @param status  {@code UP}, {@code DOWN} or {@code UNKNOWN}: the code of Boot's status of that name, in both lines
 * @param details the details, ready for a health response
 */
public record TopologyHealth(String status, Map<String, Object> details) {
    static final String PRIMARY = "primary";
    static final String UP = "UP";
    static final String DOWN = "DOWN";
    static final String UNKNOWN = "UNKNOWN";

    /** The health of the application's data source: the only one, or the primary one among several. */
    public static TopologyHealth of(ObjectProvider<DataSource> dataSources) {
        DataSource dataSource = dataSources.getIfUnique();
        if (dataSource == null) {
            return new TopologyHealth(
                    UNKNOWN, Map.of("error", "no single DataSource bean (none, or several and none primary)"));
        }
        return of(dataSource);
    }

    /** The health of the cluster behind {@code dataSource}, from one pooled connection's topology report. */
    public static TopologyHealth of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return of(connection.unwrap(JunctionConnection.class).topologyReport());
        } catch (SQLException e) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("error", e.getClass().getName() + ": " + e.getMessage());
            details.put("sqlState", String.valueOf(e.getSQLState()));
            return new TopologyHealth(DOWN, details);
        }
    }

    /** The health that {@code report} shows. */
    public static TopologyHealth of(List<NodeStatus> report) {
        boolean primaryUp = report.stream().anyMatch(node -> node.up() && PRIMARY.equals(node.role()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("primary", primaryUp ? "up" : "none up");
        details.put("nodes", report.stream().map(TopologyHealth::node).collect(Collectors.toUnmodifiableList()));
        return new TopologyHealth(primaryUp ? UP : DOWN, details);
    }

    private static Map<String, Object> node(NodeStatus node) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("address", node.address());
        details.put("role", node.role());
        details.put("status", node.up() ? "UP" : "DOWN");
        node.stalenessBound().ifPresent(bound -> details.put("stalenessBound", bound.toString()));
        node.position().ifPresent(position -> details.put("position", position));
        node.roundTrip().ifPresent(roundTrip -> details.put("roundTrip", roundTrip.toString()));
        details.put("consecutiveFailures", node.consecutiveFailures());
        node.lastError().ifPresent(error -> details.put("lastError", error));
        return details;
    }
}
