package dev.junction.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.cluster.CpuCap;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleOptionsTest {
    @Test
    void defaultsAreTheIssuesMatrix() {
        ScaleOptions o = ScaleOptions.parse();
        assertThat(o.cap()).isEqualTo(0.2);
        assertThat(o.threads()).containsExactly(8, 32);
        assertThat(o.mixes()).containsExactly("read-only", "90/10");
        assertThat(o.pin()).isTrue();
        assertThat(ScaleOptions.parse("--pin", "off").pin()).isFalse();
        assertThat(o.junction())
                .containsExactly(
                        "round-robin",
                        "random",
                        "least-lag",
                        "fastest",
                        "least-busy",
                        "least-busy&primaryReads=when-idle",
                        "least-busy&primaryReads=weighted");
    }

    @Test
    void aJunctionEntryBecomesUrlParametersWithItsBalancerFirst() {
        assertThat(ScaleOptions.urlParameters("least-busy&primaryReads=weighted"))
                .isEqualTo("loadBalance=least-busy&primaryReads=weighted");
        assertThat(ScaleOptions.urlParameters("round-robin")).isEqualTo("loadBalance=round-robin");
        assertThatThrownBy(() -> ScaleOptions.urlParameters("primaryReads=weighted"))
                .hasMessageContaining("expected <loadBalance>[&property=value...]");
    }

    @Test
    void badValuesAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> ScaleOptions.parse("--cap", "1.5"))
                .hasMessageContaining("Invalid --cap 1.5: a share of one CPU");
        assertThatThrownBy(() -> ScaleOptions.parse("--threads", "8,0"))
                .hasMessageContaining("Invalid --threads 0: expected more than 0");
        assertThatThrownBy(() -> ScaleOptions.parse("--pin", "yes")).hasMessageContaining("Invalid --pin yes");
        assertThatThrownBy(() -> ScaleOptions.parse("--cap", "0.5"))
                .hasMessageContaining("Invalid --cap 0.5 with --pin on")
                .hasMessageContaining("use --pin off");
        assertThat(ScaleOptions.parse("--cap", "0.5", "--pin", "off").cap()).isEqualTo(0.5);
        assertThatThrownBy(() -> ScaleOptions.parse("--mixes", "write-only"))
                .hasMessageContaining("Invalid mix write-only");
        assertThatThrownBy(() -> ScaleOptions.parse("--speed", "9")).hasMessageContaining("Invalid argument --speed");
        assertThat(ScaleOptions.parse("--threads", "4", "--rounds", "1").threads())
                .isEqualTo(List.of(4));
    }

    @Test
    void aCpuCapOutsideWhatTheKernelAcceptsIsRefusedBeforeAnyCgroupIsTouched() {
        assertThatThrownBy(() -> CpuCap.create("t", 0, Duration.ofMillis(100)))
                .hasMessageContaining("Invalid CPU share 0.0");
        assertThatThrownBy(() -> CpuCap.create("t", 0.5, Duration.ofSeconds(2)))
                .hasMessageContaining("Invalid CFS period PT2S");
    }
}
