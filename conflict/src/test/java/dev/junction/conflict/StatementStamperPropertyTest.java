package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.Dialect;
import dev.junction.router.internal.SqlToken;
import dev.junction.router.internal.SqlTokenizer;
import dev.junction.router.internal.TokenType;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Over generated writes, reads and noise (comments, strings that name the table, parameters in odd places): a write of
 * a conflict table is never left as written (stamped or refused), the application's parameters keep their order and
 * count around the stamp's, and text that names the table only in strings or comments is untouched.
 */
class StatementStamperPropertyTest {
    private static final StatementStamper POSTGRES =
            new StatementStamper(Dialect.POSTGRESQL, List.of("model_versions"), StatementStamperTest.SHAPES);
    private static final StatementStamper MYSQL =
            new StatementStamper(Dialect.MYSQL, List.of("model_versions"), StatementStamperTest.SHAPES);

    /** A statement, whether its target is the conflict table, and whether it writes. */
    record Generated(String sql, boolean conflictTarget, boolean writes) {}

    private static Arbitrary<String> noise() {
        return Arbitraries.of(" ", " /* model_versions */ ", " -- model_versions\n ", "  ");
    }

    private static Arbitrary<String> value() {
        return Arbitraries.of("?", "1", "'model_versions'", "'?'", "lower(?)", "(select 1)", "'it''s ?'");
    }

    @Provide
    Arbitrary<Generated> statements() {
        Arbitrary<String> table = Arbitraries.of("model_versions", "MODEL_VERSIONS", "\"model_versions\"", "audit");
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 3);
        return Combinators.combine(kind, table, noise(), value(), value(), noise())
                .as((k, t, n1, v1, v2, n2) -> {
                    boolean conflict = !t.equals("audit");
                    String sql = switch (k) {
                        case 0 -> "insert into" + n1 + t + " (id, stage) values (" + v1 + "," + n2 + v2 + ")";
                        case 1 -> "update " + t + n1 + "set stage = " + v1 + " where id =" + n2 + v2;
                        case 2 -> "delete from " + t + n1 + "where id = " + v1 + n2;
                        default -> "select stage from " + t + n1 + "where id = " + v1 + " and stage <>" + n2 + v2;
                    };
                    return new Generated(sql, conflict, k < 3);
                });
    }

    @Property(tries = 1500)
    void aWriteOfTheConflictTableIsNeverLeftAsWrittenAndParametersKeepTheirOrder(
            @ForAll("statements") Generated generated, @ForAll boolean postgres) {
        StatementStamper stamper = postgres ? POSTGRES : MYSQL;
        Dialect dialect = postgres ? Dialect.POSTGRESQL : Dialect.MYSQL;
        String sql = postgres ? generated.sql() : generated.sql().replace('"', '`');
        Stamping stamping = stamper.stamp(sql);
        if (generated.conflictTarget() && generated.writes()) {
            assertThat(stamping).as(sql).isNotSameAs(Stamping.UNTOUCHED);
        }
        if (!generated.conflictTarget()) {
            assertThat(stamping)
                    .as("the table is named only in strings and comments: " + sql)
                    .isSameAs(Stamping.UNTOUCHED);
        }
        if (stamping instanceof Stamping.Stamped stamped) {
            int application = parameters(sql, dialect);
            int[] physical = stamped.physicalIndexOfApplicationParameter();
            assertThat(physical).as(sql).hasSize(application);
            for (int i = 1; i < physical.length; i++) {
                assertThat(physical[i])
                        .as("parameters keep their order: " + sql)
                        .isGreaterThan(physical[i - 1]);
            }
            assertThat(parameters(stamped.preparedText(), dialect))
                    .as(stamped.preparedText())
                    .isEqualTo(application + stamped.hlcParameters().length + stamped.originParameters().length);
            if (generated.writes()) {
                assertThat(stamped.hlcParameters())
                        .as("a write carries the stamp: " + sql)
                        .isNotEmpty();
            }
        }
    }

    private static int parameters(String sql, Dialect dialect) {
        int count = 0;
        for (SqlToken token : SqlTokenizer.tokenize(sql, dialect).tokens()) {
            if (token.type() == TokenType.PARAMETER) {
                count++;
            }
        }
        return count;
    }
}
