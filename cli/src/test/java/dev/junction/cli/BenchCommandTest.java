package dev.junction.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    @Test
    void theScaleSuiteRunsTheScaleOutBenchmarkWithTheCapGiven() {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--suite", "scale", "--cap", "0.3");
        assertThat(bench.scaleCommand())
                .containsSubsequence(
                        BenchCommand.JAR,
                        "dev.junction.benchmarks.scale.ReadScaleOutBenchmark",
                        "--cap",
                        "0.3",
                        "--period-us",
                        "100000",
                        "--pin",
                        "on",
                        "--out",
                        "docs/scale-out.md");
    }

    @Test
    void theScaleSuitePassesTheCapPeriodGiven() {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--suite", "scale", "--cap-period-us", "10000", "--pin", "off");
        assertThat(bench.scaleCommand()).containsSubsequence("--cap", "0.2", "--period-us", "10000", "--pin", "off");
    }

    @Test
    void anUnknownSuiteIsRefusedWithTheAcceptedOnes() throws Exception {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--suite", "everything");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(bench.call()).isEqualTo(2);
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("Invalid --suite everything: expected all, micro, endtoend or scale.");
    }
}
