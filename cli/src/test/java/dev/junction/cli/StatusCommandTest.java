package dev.junction.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.NodeStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StatusCommandTest {
    @Test
    void rendersOneRowPerNodeWithHealthStalenessAndRoundTrip() {
        String table = StatusCommand.render(List.of(
                new NodeStatus(
                        "pg1:5432",
                        "primary",
                        true,
                        Optional.of("0/16B3748"),
                        Optional.of(Duration.ZERO),
                        Optional.of(Duration.ofNanos(420_000)),
                        0,
                        Optional.empty()),
                new NodeStatus(
                        "pg2:5432",
                        "unknown",
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        4,
                        Optional.of("SocketTimeoutException: Read timed out"))));
        assertThat(table.lines()).hasSize(4);
        assertThat(table)
                .contains("pg1:5432", "primary", "0/16B3748", "0 ms", "0.42 ms")
                .contains("pg2:5432", "DOWN (4 failed)", "unknown", "Read timed out");
    }

    @Test
    void aNodeThatRefusesConnectionsIsDownWithTheReasonNotUpWithFailures() {
        String table = StatusCommand.render(
                List.of(
                        new NodeStatus(
                                "pg1:5432",
                                "primary",
                                true,
                                Optional.of("0/16B3748"),
                                Optional.of(Duration.ZERO),
                                Optional.of(Duration.ofNanos(420_000)),
                                0,
                                Optional.empty()),
                        new NodeStatus(
                                "pg2:5432",
                                "unknown",
                                false,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                2,
                                Optional.of(
                                        "refused the connection (SQLState 28P01: FATAL: password authentication failed for user \"app\")"))));
        assertThat(table)
                .contains("DOWN (2 failed)")
                .doesNotContain("up (")
                .contains("refused the connection (SQLState 28P01: FATAL: password authentication failed");
    }

    @Test
    void neverPrintsThePasswordOfAClusterItCannotReach() throws Exception {
        String secret = "S3cr3t-pw";
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        for (String url : List.of(
                "jdbc:junction:postgresql://app:" + secret + "@127.0.0.1:" + closedPort + "/db",
                "jdbc:junction:postgresql://app:" + secret + "/x@[::1]:" + closedPort + "/db",
                "jdbc:junction:postgresql://127.0.0.1:" + closedPort + "/db?pass%77ord=" + secret,
                "jdbc:junction:postgresql://[::1]:" + closedPort + ",127.0.0.1:" + closedPort
                        + "/db?password=S3cr3t%2Dpw")) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int exit = new CommandLine(
                            new StatusCommand(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true)))
                    .execute(url, "--user", "app", "--password", secret);
            String printed = out + "\n" + err;
            assertThat(exit).as(url).isEqualTo(1);
            assertThat(printed)
                    .as(url)
                    .contains("junction status: ")
                    .doesNotContain(secret)
                    .doesNotContainIgnoringCase("S3cr3t%2Dpw");
        }
    }

    @Test
    void durationsNeedAUnitAndNameTheBadValue() {
        DurationOption option = new DurationOption();
        assertThat(option.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(option.convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(option.convert("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> option.convert("2x"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("\"2x\"");
        assertThatThrownBy(() -> option.convert("5")).hasMessageContaining("500ms");
    }
}
