package dev.junction.router.internal;

import dev.junction.router.Classification;
import dev.junction.router.PinReason;
import dev.junction.router.SessionEffect;
import dev.junction.router.SessionEffect.Kind;
import dev.junction.router.StatementKind;

/** The result of analysing one statement, while it is being built. */
final class StatementAnalysis {

  final Classification.Builder builder;
  /** False when the result depends on a transient catalog answer and must not be cached. */
  boolean cacheable = true;
  boolean calciteAttempted;

  StatementAnalysis(StatementKind kind) {
    this.builder = Classification.builder(kind);
  }

  StatementAnalysis kind(StatementKind kind) {
    builder.kind(kind);
    return this;
  }

  StatementAnalysis effect(Kind kind, String target, String value) {
    builder.sessionEffect(SessionEffect.of(kind, target, value));
    return this;
  }

  StatementAnalysis pin(PinReason reason) {
    builder.pinReason(reason);
    return this;
  }
}
