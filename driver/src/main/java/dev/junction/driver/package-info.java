/**
 * Junction's public JDBC API: {@link dev.junction.driver.JunctionDriver} (registered through
 * {@code META-INF/services/java.sql.Driver}), {@link dev.junction.driver.JunctionDataSource}, the
 * {@link dev.junction.driver.JunctionConnection} unwrap target, the typed property registry
 * {@link dev.junction.driver.JunctionProperty}, the error-code registry {@link dev.junction.driver.JunctionErrorCode},
 * and the application's say in how failures are read, {@link dev.junction.driver.JunctionExceptionOverride}.
 * Everything under {@code internal} may change without notice.
 */
package dev.junction.driver;
