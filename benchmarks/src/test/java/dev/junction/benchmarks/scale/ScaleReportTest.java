package dev.junction.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.benchmarks.scale.ReadScaleOutBenchmark.RunResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleReportTest {
    @Test
    void aRejectedConfigurationIsOneTableRowWithTheDriversMessage() {
        assertThat(ScaleReport.rejectedRow(
                        "Junction least-busy&primaryReads=sometimes",
                        "Invalid value \"sometimes\" for property \"primaryReads\":\n expected never | when-idle"))
                .isEqualTo("| Junction least-busy&primaryReads=sometimes | rejected: Invalid value \"sometimes\" for"
                        + " property \"primaryReads\": expected never \\| when-idle | | | |\n");
    }

    @Test
    void theMedianOfAnEvenNumberOfRunsIsTheMeanOfTheMiddleTwo() {
        assertThat(ScaleReport.median(List.of(run(3), run(1), run(2)))).isEqualTo(2);
        assertThat(ScaleReport.median(List.of(run(4), run(1), run(2), run(3)))).isEqualTo(2.5);
    }

    private static RunResult run(double opsPerSecond) {
        return new RunResult(opsPerSecond, Map.of());
    }
}
