package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.pipeline.StatementInfo.Hint;
import dev.junction.driver.internal.pipeline.StatementInfo.Kind;
import dev.junction.driver.internal.topology.ViewCatalog;
import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.FunctionCatalog;
import dev.junction.router.PinReason;
import dev.junction.router.SessionEffect;
import dev.junction.router.StatementClassifier;
import java.util.Locale;

/**
 * The driver's reading of the router's {@link Classification}: the router says what a statement is; this says what
 * the driver must do about it beyond routing — which session statements to log for replay and under which key,
 * which statements open and end a transaction, and which pin the session.
 *
 * <p>Replayed: session-level {@code SET}s, {@code SET search_path}, {@code SET NAMES}, session transaction
 * characteristics, MySQL user variables, {@code USE}, {@code RESET}, {@code DISCARD}. Not replayed but kept on the
 * transaction's node: {@code SET LOCAL}, {@code SET TRANSACTION}, savepoints, cursor statements, {@code UNLISTEN},
 * {@code DEALLOCATE}, {@code UNLOCK TABLES}. Anything with a {@link PinReason} pins instead of being replayed.
 * SERIALIZABLE set through SQL pins too: it fails on a PostgreSQL standby and is the driver's to track.
 */
public final class RouterStatementRouting implements StatementRouting {
    /** The pin of SERIALIZABLE isolation set on PostgreSQL, through SQL or JDBC: a standby refuses it. */
    static final String SERIALIZABLE_PIN = "SERIALIZABLE isolation";

    private final StatementClassifier classifier;
    private final boolean postgres;
    private final ViewCatalog views;
    /** Tells the cluster's other classifiers (other credentials) that DDL ran here. */
    private final Runnable definitionsChangedElsewhere;

    /** @param postgres SERIALIZABLE set through SQL pins only on PostgreSQL, where standbys refuse it */
    public RouterStatementRouting(StatementClassifier classifier, boolean postgres) {
        this(classifier, postgres, ViewCatalog.none(), () -> {});
    }

    private RouterStatementRouting(
            StatementClassifier classifier, boolean postgres, ViewCatalog views, Runnable definitionsChangedElsewhere) {
        this.classifier = classifier;
        this.postgres = postgres;
        this.views = views;
        this.definitionsChangedElsewhere = definitionsChangedElsewhere;
        views.classifier(classifier);
    }

    /** A classifier for {@code backend} that looks user functions up in {@code catalog}, and knows no view. */
    public static RouterStatementRouting create(Backend backend, FunctionCatalog catalog) {
        return create(backend, catalog, ViewCatalog.none());
    }

    /** A classifier for {@code backend} that looks user functions up in {@code catalog} and views in {@code views}. */
    static RouterStatementRouting create(Backend backend, FunctionCatalog catalog, ViewCatalog views) {
        return create(backend, catalog, views, () -> {});
    }

    /**
     * The same, and {@code definitionsChangedElsewhere} runs after DDL through this classifier's connections: the
     * cluster's classifiers for other credentials must forget their answers too.
     */
    public static RouterStatementRouting create(
            Backend backend, FunctionCatalog catalog, ViewCatalog views, Runnable definitionsChangedElsewhere) {
        Dialect dialect = backend == Backend.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
        return new RouterStatementRouting(
                StatementClassifier.builder(dialect).functionCatalog(catalog).build(),
                backend == Backend.POSTGRESQL,
                views,
                definitionsChangedElsewhere);
    }

    @Override
    public ViewCatalog views() {
        return views;
    }

    /**
     * Forgets the function catalog's answers and the unsafe views: both may have changed, for every user of the
     * cluster, so the cluster's other classifiers are told too.
     */
    @Override
    public void definitionsChanged() {
        forgetDefinitions();
        definitionsChangedElsewhere.run();
    }

    /** Forgets this classifier's function answers and unsafe views. */
    public void forgetDefinitions() {
        classifier.forgetFunctionAnswers();
        views.forgetAll();
    }

    @Override
    public StatementInfo classify(String sql) {
        Classification c = classifier.classify(sql);
        Hint hint = c.hints().primary() ? Hint.PRIMARY : c.hints().replica() ? Hint.REPLICA : Hint.NONE;
        String pin = c.pinReason() == null ? null : describe(c.pinReason());
        SessionEffect effect = c.sessionEffect();
        if (isReplayableSetConfig(c)) {
            // Replaying the same call with the same arguments re-creates the setting anywhere: no pin needed.
            return new StatementInfo(Kind.SESSION, hint, null, null, c);
        }
        if (c.multiStatement() || effect == null) {
            return new StatementInfo(c.replicaEligible() ? Kind.READ : Kind.WRITE, hint, pin, null, c);
        }
        return sessionOrTransaction(c, effect, hint, pin);
    }

    /** A statement with a session effect: transaction control, a session change, or one that pins. */
    private StatementInfo sessionOrTransaction(Classification c, SessionEffect effect, Hint hint, String pin) {
        switch (effect.kind()) {
            case BEGIN:
            case BEGIN_READ_ONLY:
            case XA_START:
                return new StatementInfo(Kind.BEGIN, hint, pin, null, c);
            case SET_AUTOCOMMIT:
                return new StatementInfo(Kind.AUTOCOMMIT, hint, pin, effect.value(), c);
            case XA_END:
            case XA_PREPARE:
                // The XA transaction stays on its node until XA COMMIT or XA ROLLBACK.
                return new StatementInfo(Kind.IN_TRANSACTION, hint, pin, null, c);
            case XA_COMMIT:
            case XA_ROLLBACK:
                return new StatementInfo(Kind.END, hint, pin, null, c);
            case XA_RECOVER:
                return new StatementInfo(Kind.WRITE, hint, pin, null, c);
            case COMMIT:
            case ROLLBACK:
                return new StatementInfo(Kind.END, hint, pin, null, c);
            case TWO_PHASE:
                // PREPARE TRANSACTION ends the session's transaction; COMMIT/ROLLBACK PREPARED run outside one.
                return new StatementInfo(Kind.END, hint, pin, null, c);
            default:
                return sessionStatement(c, effect, hint, pin);
        }
    }

    /** A statement that changes the session: replayed under a key, or pinning, or kept on the transaction's node. */
    private StatementInfo sessionStatement(Classification c, SessionEffect effect, Hint hint, String pin) {
        String target = effect.target() == null ? null : effect.target().toLowerCase(Locale.ROOT);
        switch (effect.kind()) {
            case SET_VARIABLE:
            case USER_VARIABLE:
            case SET_NAMES:
                if (pin != null) {
                    return new StatementInfo(Kind.WRITE, hint, pin, null, c);
                }
                return new StatementInfo(Kind.SESSION, hint, serializablePin(target, effect), target, c);
            case SET_SEARCH_PATH:
                return new StatementInfo(Kind.SESSION, hint, pin, "search_path", c);
            case SET_SESSION_CHARACTERISTICS:
                return new StatementInfo(
                        Kind.SESSION,
                        hint,
                        serializablePin("default_transaction_isolation", effect),
                        "transaction_characteristics",
                        c);
            case USE_DATABASE:
                return new StatementInfo(Kind.SESSION, hint, pin, "catalog", c);
            case RESET:
                return new StatementInfo(
                        Kind.SESSION,
                        hint,
                        pin,
                        target == null || target.equals("all") ? StatementInfo.RESET_ALL : target,
                        c);
            case DISCARD:
                return new StatementInfo(
                        Kind.SESSION,
                        hint,
                        pin,
                        target == null || target.equals("all") ? StatementInfo.RESET_ALL : "discard " + target,
                        c);
            case LISTEN:
            case PREPARE:
                return new StatementInfo(Kind.WRITE, hint, pin, null, c);
            default:
                // SET LOCAL, SET TRANSACTION, savepoints, cursors, UNLISTEN, DEALLOCATE, UNLOCK TABLES
                return new StatementInfo(pin != null ? Kind.WRITE : Kind.IN_TRANSACTION, hint, pin, null, c);
        }
    }

    /**
     * {@code SELECT set_config('search_path', ?, false)} with literal or bound arguments (no table read, nothing else
     * with a side effect): the router pins it because a value computed by a query could not be re-created elsewhere,
     * but these arguments can. Flyway restores the role and search path this way on every pooled connection it used,
     * which would otherwise stay pinned to the primary.
     */
    private boolean isReplayableSetConfig(Classification c) {
        if (!postgres
                || c.pinReason() != PinReason.UNREPLAYABLE_SESSION_STATE
                || c.multiStatement()
                || !c.tablesRead().isEmpty()
                || !c.tablesWritten().isEmpty()
                || c.sideEffectFunctions().isEmpty()) {
            return false;
        }
        for (String function : c.sideEffectFunctions()) {
            if (!function.equals("set_config") && !function.equals("pg_catalog.set_config")) {
                return false;
            }
        }
        return c.unverifiedFunctions().isEmpty();
    }

    private String serializablePin(String target, SessionEffect effect) {
        if (!postgres) {
            return null;
        }
        String value = effect.value() == null ? "" : effect.value().toLowerCase(Locale.ROOT);
        boolean isolation =
                target != null && (target.contains("isolation") || target.equals("transaction_characteristics"));
        return isolation && value.contains("serializable") ? SERIALIZABLE_PIN : null;
    }

    /** {@code TEMPORARY_TABLE} becomes {@code temporary table}: what {@code JunctionConnection.pins()} reports. */
    static String describe(PinReason reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The classifier, for statistics. */
    public StatementClassifier classifier() {
        return classifier;
    }
}
