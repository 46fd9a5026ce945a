package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.Dialect;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metadata columns of opted-in tables: what to add, and what is wrong with what is there. */
class MetadataColumnsTest {
    @Test
    void addsOnlyTheColumnsATableLacksInEachDialect() {
        assertThat(MetadataColumns.additions(
                        Dialect.POSTGRESQL, "model_versions", ConflictPolicy.LWW, Set.of("id", "stage", "_HLC")))
                .containsExactly(
                        "ALTER TABLE model_versions ADD COLUMN _origin VARCHAR(64) NOT NULL DEFAULT ''",
                        "ALTER TABLE model_versions ADD COLUMN _deleted BOOLEAN NOT NULL DEFAULT FALSE");
        assertThat(MetadataColumns.additions(Dialect.MYSQL, "`carts`", ConflictPolicy.VERSION_VECTOR, Set.of("id")))
                .contains("ALTER TABLE `carts` ADD COLUMN _vv VARCHAR(2048) NOT NULL DEFAULT ''")
                .hasSize(4);
        assertThat(MetadataColumns.additions(
                        Dialect.POSTGRESQL, "t", ConflictPolicy.LWW, Set.of("_hlc", "_origin", "_deleted")))
                .isEmpty();
    }

    @Test
    void namesEachMissingColumnAndEachTypeThatCannotHoldItsStamp() {
        assertThat(MetadataColumns.problems(
                        "model_versions",
                        ConflictPolicy.LWW,
                        Map.of("id", "integer", "_hlc", "INTEGER", "_origin", "character varying(64)")))
                .containsExactly(
                        "model_versions._hlc is integer, which cannot hold what Junction writes there; expected BIGINT"
                                + " NOT NULL DEFAULT 0 (PostgreSQL) or BIGINT NOT NULL DEFAULT 0 (MySQL/MariaDB)",
                        "model_versions has no column _deleted (lww tables need it; add it with: BOOLEAN NOT NULL"
                                + " DEFAULT FALSE on PostgreSQL, BOOLEAN NOT NULL DEFAULT FALSE on MySQL/MariaDB)");
        assertThat(MetadataColumns.problems(
                        "counters", ConflictPolicy.COUNTER, Map.of("_hlc", "bigint(20)", "_origin", "varchar(64)")))
                .isEmpty();
        assertThat(MetadataColumns.problems(
                        "t", ConflictPolicy.LWW, Map.of("_hlc", "bigint", "_origin", "text", "_deleted", "tinyint(1)")))
                .as("MariaDB's BOOLEAN is tinyint(1)")
                .isEmpty();
    }
}
