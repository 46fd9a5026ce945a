/**
 * The counters of one cluster ({@link dev.junction.driver.internal.metrics.ClusterMetrics}), its MBean, and the
 * registry of the clusters in use that {@link dev.junction.driver.metrics.JunctionMeterBinder} binds.
 */
package dev.junction.driver.internal.metrics;
