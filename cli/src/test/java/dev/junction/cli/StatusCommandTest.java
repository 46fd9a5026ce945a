package dev.junction.cli;

import dev.junction.driver.NodeStatus;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusCommandTest {
    @Test
    void rendersOneRowPerNodeWithHealthStalenessAndRoundTrip() {
        String table = StatusCommand.render(List.of(
                new NodeStatus("pg1:5432", "primary", true, Optional.of("0/16B3748"), Optional.of(Duration.ZERO),
                        Optional.of(Duration.ofNanos(420_000)), 0, Optional.empty()),
                new NodeStatus("pg2:5432", "unknown", false, Optional.empty(), Optional.empty(), Optional.empty(), 4,
                        Optional.of("SocketTimeoutException: Read timed out"))));
        assertThat(table.lines()).hasSize(4);
        assertThat(table).contains("pg1:5432", "primary", "0/16B3748", "0 ms", "0.42 ms")
                .contains("pg2:5432", "DOWN (4 failed)", "unknown", "Read timed out");
    }

    @Test
    void durationsNeedAUnitAndNameTheBadValue() {
        DurationOption option = new DurationOption();
        assertThat(option.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(option.convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(option.convert("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> option.convert("2x")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("\"2x\"");
        assertThatThrownBy(() -> option.convert("5")).hasMessageContaining("500ms");
    }
}
