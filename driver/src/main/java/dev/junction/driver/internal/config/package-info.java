/**
 * What a logical connection is configured with: the parsed URL
 * ({@link dev.junction.driver.internal.config.JunctionUrl}), the merged and validated settings
 * ({@link dev.junction.driver.internal.config.ConnectionSettings}), the masking of credentials in anything printed
 * ({@link dev.junction.driver.internal.config.CredentialMask}), the loading of application classes that properties
 * name ({@link dev.junction.driver.internal.config.ApplicationClass}), and the generator of the README's property
 * table ({@link dev.junction.driver.internal.config.PropertyTable}). The property registry itself is public API:
 * {@link dev.junction.driver.JunctionProperty}.
 */
package dev.junction.driver.internal.config;
