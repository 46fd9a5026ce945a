/**
 * Conflict resolution for multi-master deployments, pure logic: hybrid logical clocks ({@link
 * dev.junction.conflict.HybridLogicalClock}), version vectors ({@link dev.junction.conflict.VersionVector}), the
 * per-table policies that pick or merge the winner of concurrent writes ({@link dev.junction.conflict.ConflictPolicy}),
 * PN-counters ({@link dev.junction.conflict.PnCounter}) and the rule that lets tombstones go ({@link
 * dev.junction.conflict.TombstoneHorizon}). No sockets, no threads, time injected.
 */
package dev.junction.conflict;
