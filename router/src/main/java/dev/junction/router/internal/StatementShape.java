package dev.junction.router.internal;

import dev.junction.router.Dialect;

/**
 * A statement's shape: its tokens with every literal value replaced by {@code ?} and spacing made uniform, so that
 * statements that differ only in the values they inline ({@code ... where id = 42}), in spacing or in the case of
 * keywords and unquoted names share one shape. Comments are not part of it.
 */
public final class StatementShape {
    private StatementShape() {}

    /** The shape of {@code sql} in {@code dialect}. */
    public static String of(String sql, Dialect dialect) {
        StringBuilder shape = new StringBuilder(sql.length());
        for (SqlToken token : SqlTokenizer.tokenize(sql, dialect).tokens()) {
            if (shape.length() > 0) {
                shape.append(' ');
            }
            boolean literal = token.type == TokenType.STRING || token.type == TokenType.NUMBER;
            shape.append(literal ? "?" : token.keyword != null ? token.keyword : token.text);
        }
        return shape.toString();
    }
}
