package dev.junction.router.internal;

import java.util.List;

/**
 * The tokens of a SQL string plus what the tokenizer noticed on the way.
 *
 * @param tokens significant tokens in order, comments and whitespace removed
 * @param leadingComments bodies of the comments before the first token, where hints live
 * @param malformed an unterminated string, quoted name or comment, or unbalanced parentheses: the
 *     token stream cannot be trusted, so the statement goes to the primary
 * @param gatedComments MySQL: how many version-gated ({@code /*!NNNNN}) or MariaDB-only ({@code
 *     /*M!}) executable comments the text holds; their tokens carry {@link SqlToken#gate}
 */
public record TokenizedSql(List<SqlToken> tokens, List<String> leadingComments, boolean malformed, int gatedComments) {}
