package dev.junction.benchmarks.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * An in-memory backend driver for {@code jdbc:postgresql://} and {@code jdbc:mysql://} URLs: no network, no
 * parsing, a canned one-row answer to every query (see {@link StubStatement}). A host whose name starts with
 * {@code replica} is a replica, any other a primary, so Junction's role probes find a cluster. It lets the
 * wrapper-overhead benchmark time Junction's own code against the same stub used raw. Not registered with
 * {@code DriverManager}: hand it to {@code JunctionDataSource.setBackendDriver}.
 */
public final class StubDriver implements Driver {

    @Override
    public Connection connect(String url, Properties info) {
        if (!acceptsURL(url)) {
            return null;
        }
        String authority = url.substring(url.indexOf("//") + 2);
        return new StubConnection(authority.startsWith("replica"));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && (url.startsWith("jdbc:postgresql://") || url.startsWith("jdbc:mysql://"));
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("StubDriver does not log");
    }
}
