/**
 * What differs per database and how nodes are reached: {@link dev.junction.driver.internal.backend.Backend} (URLs,
 * driver class, artifact), {@link dev.junction.driver.internal.backend.BackendDialect} (how a node tells its role,
 * which errors mean a lost connection or a node that refuses writes), the backend driver an application brings
 * ({@link dev.junction.driver.internal.backend.BackendDrivers}), and
 * {@link dev.junction.driver.internal.backend.NodeConnector}, the seam every physical connection is opened through.
 * The bottom of the driver's internals: it uses none of the other packages here.
 */
package dev.junction.driver.internal.backend;
