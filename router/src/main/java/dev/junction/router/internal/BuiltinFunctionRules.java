package dev.junction.router.internal;

import dev.junction.router.Dialect;

/** {@link FunctionRules} as far as {@link dev.junction.router.BuiltinFunctions} shows it outside this package. */
public final class BuiltinFunctionRules {
    private BuiltinFunctionRules() {}

    public static boolean isReadOnlyBuiltin(Dialect dialect, String name) {
        return FunctionRules.categorize(dialect, name) == FunctionRules.Category.READ_ONLY_BUILTIN;
    }
}
