/**
 * Write sync modes (design §6): what a commit must wait for ({@link dev.junction.driver.internal.sync.SyncPolicy},
 * {@link dev.junction.driver.internal.sync.SyncRequirement}), the wait itself
 * ({@link dev.junction.driver.internal.sync.ReplicaAcknowledgements}) and what a connection does with its outcome
 * ({@link dev.junction.driver.internal.sync.CommitSync}), which hangs on the execution pipeline's commit seam.
 */
package dev.junction.driver.internal.sync;
