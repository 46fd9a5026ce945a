package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statements of the MariaDB guard; that the server enforces it is MariaDbLastWriterWinsGuardIT's. */
class MariaDbGuardTriggersTest {
    @Test
    void keepsEveryNonKeyColumnOfANewerRow() {
        assertThat(MariaDbGuardTriggers.install(
                        "model_versions", List.of("id"), List.of("id", "stage", "_hlc", "_origin")))
                .containsExactly(
                        "CREATE OR REPLACE FUNCTION model_versions_junction_live_duplicate() RETURNS BIGINT NOT"
                                + " DETERMINISTIC NO SQL BEGIN SIGNAL SQLSTATE '23000' SET MYSQL_ERRNO = 1062,"
                                + " MESSAGE_TEXT = 'Duplicate entry for key PRIMARY of model_versions'; RETURN 0; END",
                        "DROP TRIGGER IF EXISTS model_versions_junction_insert_guard",
                        "CREATE TRIGGER model_versions_junction_insert_guard BEFORE INSERT ON model_versions FOR EACH"
                                + " ROW BEGIN IF NEW._hlc > 0 AND NEW._hlc < ((CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS"
                                + " SIGNED) - 604800000) << 16) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT ="
                                + " 'Junction: a write of model_versions older than tombstoneRetention is refused: it"
                                + " could bring back a row whose tombstone was purged'; END IF; END",
                        "DROP TRIGGER IF EXISTS model_versions_junction_update_guard",
                        "CREATE TRIGGER model_versions_junction_update_guard BEFORE UPDATE ON model_versions FOR EACH"
                                + " ROW BEGIN IF OLD._hlc > NEW._hlc OR (OLD._hlc = NEW._hlc AND OLD._origin >"
                                + " NEW._origin) THEN SET NEW.stage = OLD.stage, NEW._hlc = OLD._hlc, NEW._origin ="
                                + " OLD._origin; END IF; END");
    }

    @Test
    void refusesTablesItCannotGuard() {
        assertThatThrownBy(() -> MariaDbGuardTriggers.install("t", List.of("id"), List.of("id", "_origin")))
                .hasMessageContaining("no column _hlc");
        assertThatThrownBy(() -> MariaDbGuardTriggers.install("t`x", List.of("id"), List.of("id")))
                .hasMessageContaining("not a plain identifier");
    }
}
