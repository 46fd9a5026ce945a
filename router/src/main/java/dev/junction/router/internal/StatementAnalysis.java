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

    /**
     * Adds what {@code c} found (tables, functions, locking, node-specific, primary-only, pin) to
     * {@code into}; kind, session effect, hints and the Calcite flag are the caller's to decide.
     */
    static void absorbFacts(Classification.Builder into, Classification c) {
        into.tablesRead(c.tablesRead())
                .tablesWritten(c.tablesWritten())
                .lockingRead(c.lockingRead())
                .sideEffectFunctions(c.sideEffectFunctions())
                .unverifiedFunctions(c.unverifiedFunctions())
                .userFunctions(c.userFunctions())
                .nodeSpecific(c.nodeSpecific())
                .primaryOnly(c.primaryOnly())
                .pinReason(c.pinReason());
    }
}
