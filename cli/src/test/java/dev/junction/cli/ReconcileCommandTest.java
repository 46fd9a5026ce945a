package dev.junction.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.reconcile.TableReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReconcileCommandTest {
    @Test
    void rendersWhatEachTableNeededAndSaysWhenRepairsWereNotMade() {
        String table = ReconcileCommand.render(List.of(
                new TableReport("model_versions", 100_000, 6250, 923, 1000, 1000, 0, true, Duration.ofMillis(1034)),
                new TableReport("features", 10, 1, 0, 0, 0, 0, true, Duration.ofMillis(12))));
        assertThat(table.lines()).hasSize(4);
        assertThat(table)
                .contains("repairs (not made)")
                .contains("model_versions", "100000", "6250", "923", "1000", "1034 ms")
                .contains("features");
    }

    @Test
    void aMasterThatCannotBeReachedFailsWithTheReasonAndExitCodeOneWithoutThePassword() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(new ReconcileCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(
                        "jdbc:junction:postgresql://127.0.0.1:1/app?topology=multi-master&conflictTables=t"
                                + "&connectTimeout=1",
                        "--user",
                        "app",
                        "--password",
                        "s3cret-value");
        assertThat(code).isEqualTo(1);
        String errors = err.toString(StandardCharsets.UTF_8);
        assertThat(errors).contains("junction reconcile:", "SQLState").doesNotContain("s3cret-value");
    }

    @Test
    void anInvalidUrlIsRefusedBeforeAnyConnection() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new CommandLine(new ReconcileCommand(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute("jdbc:junction:postgresql://h1,h2/app?conflictTables=t:version-vector");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("conflictTables", "topology=multi-master");
    }
}
