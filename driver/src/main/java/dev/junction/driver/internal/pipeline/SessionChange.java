package dev.junction.driver.internal.pipeline;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One entry of a session's replay log: something the application set on its logical connection that every
 * physical connection the session uses must also have ({@code SET search_path}, {@code setSchema},
 * {@code setClientInfo}, {@code setNetworkTimeout}...).
 *
 * @param key         what it sets; a later change with the same key replaces this one in the log
 * @param sequence    position in the session's history; a physical connection has applied every change up to its own
 * @param description what it is, for messages (never a credential: client info values are not printed)
 * @param action      applies it to one physical connection
 */
public record SessionChange(String key, long sequence, String description, Action action) {
    /** Applies a change to a physical connection. */
    @FunctionalInterface
    public interface Action {
        void apply(Connection physical) throws SQLException;
    }
}
