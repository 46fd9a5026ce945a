/**
 * Junction's routing brain: classifies every SQL statement and decides which node of a replicated
 * PostgreSQL or MySQL/MariaDB deployment may run it.
 *
 * <p>Two halves, both pure logic (no sockets, no threads, injectable clock):
 *
 * <ul>
 *   <li>{@link dev.junction.router.StatementClassifier} turns SQL text into a {@link
 *       dev.junction.router.Classification}: kind, tables read and written, locking, side-effect
 *       functions, hints, session effects. Results are cached per SQL text.
 *   <li>{@link dev.junction.router.RoutingPolicy} turns a classification, the session's state and a
 *       {@link dev.junction.router.TopologySnapshot} into a {@link dev.junction.router.RouteDecision}.
 * </ul>
 *
 * <p>The invariant both halves keep: a statement that may write, lock, consume a sequence value,
 * take an advisory lock or that could not be classified is never sent to a replica.
 *
 * <p>Everything under {@code dev.junction.router.internal} is implementation and may change without
 * notice.
 */
package dev.junction.router;
