/**
 * The cluster as the driver knows it, shared by every connection with the same cluster and credentials:
 * {@link dev.junction.driver.internal.topology.ClusterTopology} and its
 * {@link dev.junction.driver.internal.topology.Node}s, the catalogs that answer routing's questions about functions,
 * views and tables over one connection to the primary, and the status report. The monitor that probes the nodes is
 * in {@code monitor}.
 */
package dev.junction.driver.internal.topology;
