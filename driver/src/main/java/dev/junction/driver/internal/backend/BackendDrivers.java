package dev.junction.driver.internal.backend;

import dev.junction.driver.JunctionErrorCode;
import java.lang.reflect.InvocationTargetException;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Finds the backend JDBC driver (PgJDBC, MySQL Connector/J or MariaDB Connector/J) that the application brings. Junction does not depend on
 * them at run time: it instantiates the driver class directly instead of going through {@code DriverManager}, so
 * that a URL never reaches a driver other than the one meant for it.
 */
public final class BackendDrivers {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<Backend, Driver> LOADED = new EnumMap<>(Backend.class);

    private BackendDrivers() {}

    /**
     * The driver of {@code backend}, loaded once per JVM.
     *
     * @throws SQLException {@link JunctionErrorCode#BACKEND_DRIVER_MISSING} naming the Maven artifact to add
     */
    public static Driver of(Backend backend) throws SQLException {
        LOCK.lock();
        try {
            Driver driver = LOADED.get(backend);
            if (driver == null) {
                driver = load(backend, backend.driverClassName());
                LOADED.put(backend, driver);
            }
            return driver;
        } finally {
            LOCK.unlock();
        }
    }

    /** Loads {@code className} through the context class loader first (application servers), then Junction's own. */
    static Driver load(Backend backend, String className) throws SQLException {
        Class<?> type = null;
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {context, BackendDrivers.class.getClassLoader()}) {
            if (loader == null || type != null) {
                continue;
            }
            try {
                type = Class.forName(className, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader; the error below names the artifact
            }
        }
        if (type == null) {
            throw JunctionErrorCode.BACKEND_DRIVER_MISSING.exception(
                    backend.productName(), className, backend.artifact());
        }
        try {
            return (Driver) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw JunctionErrorCode.BACKEND_DRIVER_MISSING.exception(
                    cause, backend.productName(), className, backend.artifact());
        }
    }
}
