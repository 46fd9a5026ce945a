package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The statements of the version-vector guards; that the servers keep and clear siblings is the setup ITs'. */
class SiblingGuardsTest {
    private static final List<String> COLUMNS = List.of("id", "tags", "_hlc", "_origin", "_deleted", "_vv");

    @Test
    void postgresKeepsTheConcurrentLoserAndClearsTheSiblingsAVersionIncludes() {
        List<String> statements = SiblingGuards.postgres("notes", List.of("id"), COLUMNS);
        assertThat(statements)
                .anyMatch(sql -> sql.startsWith("CREATE TABLE IF NOT EXISTS notes_junction_siblings (LIKE notes"
                        + " INCLUDING DEFAULTS, PRIMARY KEY (id, _origin, _hlc))"))
                .anyMatch(sql -> sql.contains("FUNCTION junction_vv_covers"))
                .anyMatch(sql -> sql.contains("FUNCTION junction_vv_bump"))
                .anyMatch(sql -> sql.contains("notes_junction_live_duplicate"));
        String guard = statements.stream()
                .filter(sql -> sql.contains("notes_junction_update_guard() RETURNS trigger"))
                .findFirst()
                .orElseThrow();
        assertThat(guard)
                .contains("SET search_path FROM CURRENT")
                .contains("IF NOT junction_vv_covers(OLD._vv, NEW._vv)")
                .contains("junction_vv_covers(($1)._vv, s._vv)");
        assertThat(statements.indexOf(guard))
                .as("the guard's function exists before the trigger that calls it")
                .isLessThan(statements.indexOf(statements.stream()
                        .filter(sql -> sql.startsWith("CREATE TRIGGER junction_update_guard"))
                        .findFirst()
                        .orElseThrow()));
    }

    @Test
    void mariaDbKeepsSiblingsInItsOwnTableAndRefusesTablesItCannotGuard() {
        List<String> statements = SiblingGuards.mariaDb("notes", List.of("id"), COLUMNS);
        assertThat(statements)
                .contains("CREATE TABLE IF NOT EXISTS notes_junction_siblings LIKE notes")
                .contains("ALTER TABLE notes_junction_siblings DROP PRIMARY KEY, ADD PRIMARY KEY (id, _origin, _hlc)")
                .anyMatch(sql -> sql.contains("INSERT IGNORE INTO notes_junction_siblings (id, tags, _hlc, _origin,"
                        + " _deleted, _vv) VALUES (NEW.id"));
        assertThatThrownBy(() -> SiblingGuards.mariaDb("notes", List.of(), COLUMNS))
                .hasMessageContaining("primary key");
    }
}
