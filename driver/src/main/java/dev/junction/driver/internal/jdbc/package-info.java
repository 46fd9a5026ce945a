/**
 * The JDBC objects an application holds, and how one is opened.
 * {@link dev.junction.driver.internal.jdbc.RoutingConnection} is the façade of a logical connection: it holds the
 * session's state and turns each JDBC call into a pipeline step or a change of that state. The statement, result-set
 * and metadata wrappers are made by {@link dev.junction.driver.internal.jdbc.WrapperFactory}.
 * {@link dev.junction.driver.internal.jdbc.Connections} finds the backend driver, leases the cluster's shared topology
 * and monitor, checks the credentials ({@link dev.junction.driver.internal.jdbc.ConnectionCheck}) and wires a
 * connection together. The top of the driver's internals: it uses every other package here, and none uses it.
 */
package dev.junction.driver.internal.jdbc;
