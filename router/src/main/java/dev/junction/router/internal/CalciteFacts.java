package dev.junction.router.internal;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.calcite.sql.SqlNode;

/**
 * What Calcite's parse tree says about a statement shape: tables, calls, whether it modifies data.
 * Immutable; cached per shape (the pre-lexed text with literals replaced), so statements that differ
 * only in literal values are parsed once.
 *
 * @param parsed false when Calcite rejected the shape; the other fields are then empty
 */
record CalciteFacts(
        boolean parsed,
        Set<String> tablesRead,
        Set<String> tablesWritten,
        Set<String> functions,
        boolean dataModifying,
        boolean sequenceValue) {

    static final CalciteFacts REJECTED = new CalciteFacts(false, Set.of(), Set.of(), Set.of(), false, false);

    static CalciteFacts of(SqlNode node, dev.junction.router.Dialect dialect) {
        SqlTreeWalker w = SqlTreeWalker.walk(node, dialect);
        return new CalciteFacts(
                true,
                frozen(w.tablesRead()),
                frozen(w.tablesWritten()),
                frozen(w.functions()),
                w.dataModifying(),
                w.sequenceValue());
    }

    private static Set<String> frozen(Set<String> s) {
        return s.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(s));
    }
}
