package dev.junction.driver;

import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.jdbc.Connections;
import dev.junction.router.StatementClassifier;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Junction's {@link Driver}: accepts exactly the URLs that start with {@code jdbc:junction:}, as
 * {@code jdbc:junction:postgresql://pg1:5432,pg2:5432,pg3:5432/app?maxReplicaLag=500ms}. Registered with
 * {@link DriverManager} when the class loads, and found through {@code META-INF/services/java.sql.Driver}.
 *
 * <p>A malformed Junction URL is an {@link SQLException} that says what is wrong, never {@code null}: {@code null}
 * would make {@code DriverManager} report "No suitable driver", which hides the mistake.
 */
public final class JunctionDriver implements Driver {
    private static final JunctionDriver INSTANCE = new JunctionDriver();

    static {
        try {
            DriverManager.registerDriver(INSTANCE);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
        // The first Calcite parse in a JVM spends ~0.4 s loading classes: pay it now, off the application's thread.
        // -Ddev.junction.classifierWarmUp=false turns it off, to measure what it saves (FirstStatementTime).
        if (Boolean.parseBoolean(System.getProperty("dev.junction.classifierWarmUp", "true"))) {
            Thread warmUp = new Thread(JunctionDriver::warmUpClassifier, "junction-classifier-warm-up");
            warmUp.setDaemon(true);
            warmUp.setPriority(Thread.MIN_PRIORITY);
            warmUp.start();
        }
    }

    private static void warmUpClassifier() {
        try {
            StatementClassifier.warmUp();
        } catch (RuntimeException | LinkageError e) {
            // only a lost optimisation: the first statement pays the class loading instead
        }
    }

    /** Public for {@link java.util.ServiceLoader} and frameworks that instantiate {@code driver-class-name}. */
    public JunctionDriver() {}

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        return Connections.open(ConnectionSettings.of(JunctionUrl.parse(url), info, Map.of()));
    }

    @Override
    public boolean acceptsURL(String url) {
        return JunctionUrl.isJunctionUrl(url);
    }

    /** Junction's own properties with their current values and choices, then {@code user} and {@code password}. */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        JunctionUrl parsed = JunctionUrl.parse(url);
        Properties merged = new Properties();
        if (info != null) {
            merged.putAll(info);
        }
        merged.putAll(parsed.parameters());
        List<DriverPropertyInfo> result = new ArrayList<>();
        for (JunctionProperty<?> property : JunctionProperty.all()) {
            result.add(describe(property, merged.getProperty(property.name())));
        }
        DriverPropertyInfo user = new DriverPropertyInfo("user", merged.getProperty("user"));
        user.description = "Database user, passed to the " + parsed.backend().productName() + " driver for every node.";
        result.add(user);
        DriverPropertyInfo password = new DriverPropertyInfo("password", null);
        password.description = "Database password, passed to the backend driver for every node; never logged.";
        result.add(password);
        return result.toArray(new DriverPropertyInfo[0]);
    }

    private static <T> DriverPropertyInfo describe(JunctionProperty<T> property, String given) {
        DriverPropertyInfo info = new DriverPropertyInfo(
                property.name(), given != null ? given : property.format(property.defaultValue()));
        info.description = property.description();
        info.required = false;
        if (!property.choices().isEmpty()) {
            info.choices = property.choices().toArray(new String[0]);
        }
        return info;
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** False: compliance is the backend driver's; Junction adds routing on top of it. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("dev.junction");
    }

    @Override
    public String toString() {
        return "JunctionDriver " + getMajorVersion() + "." + getMinorVersion();
    }
}
