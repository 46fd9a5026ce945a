/**
 * A statement's path and the session it runs in (README, "Life of a statement"):
 * {@link dev.junction.driver.internal.pipeline.StatementPipeline} and one class per step (classify, rewrite, route,
 * acquire, on failure, on success, on committed), the physical connections of a logical one
 * ({@link dev.junction.driver.internal.pipeline.NodeSessions}), and the session state the steps share: settings and
 * replay log, open transaction, pins, freshness and causal tokens. Knows the topology and the backend; not the JDBC
 * wrappers, which call it.
 */
package dev.junction.driver.internal.pipeline;
