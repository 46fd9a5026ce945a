/**
 * Junction's metrics for operators: the per-cluster MBean interface ({@link
 * dev.junction.driver.metrics.JunctionClusterMXBean}) and, for applications with Micrometer, {@link
 * dev.junction.driver.metrics.JunctionMeterBinder}. No other class of the driver references Micrometer.
 */
package dev.junction.driver.metrics;
