package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statements of the PostgreSQL guards; that the server enforces them is PostgresLastWriterWinsGuardIT's. */
class PostgresGuardTriggersTest {
    @Test
    void guardsUpdatesAlwaysAndInsertsOnlyWhileApplyingReplication() {
        List<String> statements = PostgresGuardTriggers.install(
                "model_versions", List.of("model", "version"), List.of("model", "version", "stage", "_hlc", "_origin"));
        assertThat(statements.get(0))
                .contains("IF (OLD._hlc, OLD._origin) > (NEW._hlc, NEW._origin) THEN")
                .contains("RETURN NULL");
        assertThat(statements.get(1))
                .contains("current_setting('session_replication_role') <> 'replica'")
                .contains("SELECT EXISTS (SELECT 1 FROM %I.%I WHERE model = ($1).model AND version = ($1).version)")
                .contains("UPDATE %I.%I SET stage = ($1).stage, _hlc = ($1)._hlc, _origin = ($1)._origin"
                        + " WHERE model = ($1).model AND version = ($1).version', TG_TABLE_SCHEMA, TG_TABLE_NAME)"
                        + " USING NEW");
        assertThat(statements)
                .contains(
                        "ALTER TABLE model_versions ENABLE ALWAYS TRIGGER junction_update_guard",
                        "ALTER TABLE model_versions ENABLE ALWAYS TRIGGER junction_insert_guard");
    }

    @Test
    void refusesTablesItCannotGuardSayingWhy() {
        assertThatThrownBy(() -> PostgresGuardTriggers.install("t", List.of(), List.of("a", "_hlc", "_origin")))
                .hasMessageContaining("needs a primary key");
        assertThatThrownBy(() -> PostgresGuardTriggers.install("t", List.of("id"), List.of("id", "_hlc")))
                .hasMessageContaining("no column _origin");
        assertThatThrownBy(() -> PostgresGuardTriggers.install("T; drop", List.of("id"), List.of("id")))
                .hasMessageContaining("not a plain identifier");
    }
}
