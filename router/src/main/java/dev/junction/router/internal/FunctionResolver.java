package dev.junction.router.internal;

import dev.junction.router.Classification;
import dev.junction.router.Dialect;
import dev.junction.router.FunctionCatalog;
import dev.junction.router.FunctionCatalog.Volatility;
import dev.junction.router.PinReason;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides what each called function means for routing: known rules first ({@link FunctionRules}),
 * then the {@link FunctionCatalog} for user functions, whose definite answers are cached here.
 *
 * <p>The catalog is called outside any lock: it usually queries the database, and a slow answer
 * for one function must not hold up classification of others.
 */
final class FunctionResolver {

    private final Dialect dialect;
    private final FunctionCatalog catalog;
    private final ConcurrentHashMap<String, Volatility> answers = new ConcurrentHashMap<>();

    FunctionResolver(Dialect dialect, FunctionCatalog catalog) {
        this.dialect = dialect;
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Records the functions' effects on the builder.
     *
     * @return false when a catalog answer was {@link Volatility#UNKNOWN}: the classification is then
     *     correct (primary) but must not be cached, so a later lookup can do better
     */
    boolean apply(Collection<String> names, Classification.Builder b) {
        boolean definite = true;
        for (String name : names) {
            switch (FunctionRules.categorize(dialect, name)) {
                case READ_ONLY_BUILTIN:
                    break;
                case SIDE_EFFECT:
                    b.sideEffectFunction(name);
                    break;
                case NODE_SPECIFIC:
                    b.nodeSpecific(true);
                    break;
                case USER:
                    b.userFunction(name);
                    Volatility v = volatility(name);
                    if (v == Volatility.MAY_WRITE) {
                        b.sideEffectFunction(name);
                    } else if (v == Volatility.UNKNOWN) {
                        b.unverifiedFunction(name);
                        definite &= catalog == FunctionCatalog.NONE;
                    }
                    break;
                default:
                    throw new AssertionError(name);
            }
            PinReason pin = FunctionRules.pinFor(dialect, name);
            if (pin != null) {
                b.pinReason(pin);
            }
        }
        return definite;
    }

    private Volatility volatility(String name) {
        Volatility cached = answers.get(name);
        if (cached != null) {
            return cached;
        }
        Volatility v;
        try {
            v = catalog.lookup(name);
        } catch (RuntimeException e) {
            v = null; // the contract says "do not throw"; if one does anyway, assume the worst
        }
        if (v == null) {
            v = Volatility.UNKNOWN;
        }
        if (v != Volatility.UNKNOWN) {
            answers.putIfAbsent(name, v);
        }
        return v;
    }

    /** Forgets every catalog answer, e.g. after {@code CREATE OR REPLACE FUNCTION}. */
    void forget() {
        answers.clear();
    }
}
