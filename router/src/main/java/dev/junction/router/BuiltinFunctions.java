package dev.junction.router;

import dev.junction.router.internal.BuiltinFunctionRules;

/**
 * The classifier's knowledge of built-in functions, for callers that meet function names outside a statement: the
 * driver, when it reads which functions a view calls from the server's catalog.
 */
public final class BuiltinFunctions {
    private BuiltinFunctions() {}

    /**
     * Whether {@code name} (lower case, optionally {@code schema.name}) is a built-in that only reads, such as
     * {@code now()} or {@code random()}: a view or statement calling it may still run on a replica.
     */
    public static boolean isReadOnly(Dialect dialect, String name) {
        return BuiltinFunctionRules.isReadOnlyBuiltin(dialect, name);
    }
}
