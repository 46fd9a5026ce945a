package dev.junction.router.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.junction.router.Dialect;
import org.apache.calcite.sql.SqlNode;

/**
 * Calcite's verdict per statement shape. Applications that inline literal values ({@code
 * ... where id = 42}) produce a new SQL text, and so a classification-cache miss, for every value;
 * with this cache only the first text of each shape pays for a Calcite parse (about 80 µs for an
 * ORM-style statement), the others only for tokenizing (a few µs). Rejections are remembered too.
 *
 * <p>Safe because a shape fixes everything taken from the tree (tables and function names); the
 * facts that depend on the exact text (locking clauses, INTO, variables, functions in removed
 * clauses) are recomputed from the statement's own tokens every time.
 */
final class CalciteShapeCache {

    private final Dialect dialect;
    private final Cache<String, CalciteFacts> shapes;

    CalciteShapeCache(Dialect dialect, long maximumWeight) {
        this.dialect = dialect;
        this.shapes = Caffeine.newBuilder()
                .maximumWeight(maximumWeight)
                .weigher((String shape, CalciteFacts f) -> 1 + shape.length() / 1024)
                .executor(Runnable::run)
                .build();
    }

    /**
     * The facts for a pre-lexed statement, parsing it only when its shape is new.
     *
     * @param parsedNow set to true when this call ran the parser
     */
    CalciteFacts facts(CalcitePreLexer.Result pre, boolean[] parsedNow) {
        CalciteFacts known = shapes.getIfPresent(pre.shape());
        if (known != null) {
            return known;
        }
        // Parsed outside Caffeine's compute lock: 80 µs of parsing must not block other keys.
        SqlNode node = CalciteSqlParser.parse(pre.sql(), dialect);
        CalciteFacts facts = node == null ? CalciteFacts.REJECTED : CalciteFacts.of(node, dialect);
        shapes.put(pre.shape(), facts);
        parsedNow[0] = true;
        return facts;
    }
}
