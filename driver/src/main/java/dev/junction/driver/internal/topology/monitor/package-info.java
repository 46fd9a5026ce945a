/**
 * Watching the nodes: {@link dev.junction.driver.internal.topology.monitor.TopologyMonitor} probes every node of a
 * cluster in the background and publishes roles, replication positions and staleness; the per-database
 * {@link dev.junction.driver.internal.topology.monitor.ReplicationProbe}s; and
 * {@link dev.junction.driver.internal.topology.monitor.SharedMonitors}, the registry that shares one monitor and
 * topology per cluster and set of credentials and releases them with their last user. Depends on nothing else of the
 * driver but {@code backend}.
 */
package dev.junction.driver.internal.topology.monitor;
