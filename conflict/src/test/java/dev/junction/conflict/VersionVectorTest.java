package dev.junction.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Version vectors: how versions relate, and their stored form. */
class VersionVectorTest {
    @Test
    void tellsAVersionThatIncludesAnotherFromAConcurrentOne() {
        VersionVector base = VersionVector.EMPTY.increment("a");
        VersionVector onA = base.increment("a");
        VersionVector onB = base.increment("b");
        assertThat(onA.compare(base)).isEqualTo(VersionVector.Order.DOMINATES);
        assertThat(base.compare(onB)).isEqualTo(VersionVector.Order.DOMINATED);
        assertThat(onA.compare(onB)).isEqualTo(VersionVector.Order.CONCURRENT);
        assertThat(onA.merge(onB)).isEqualTo(VersionVector.parse("a:2,b:1"));
        assertThat(onA.compare(VersionVector.parse("a:2"))).isEqualTo(VersionVector.Order.EQUAL);
    }

    @Test
    void storesOriginsSortedAndDropsZeroCounters() {
        VersionVector vector = VersionVector.of(Map.of("west", 3L, "east", 5L, "north", 0L));
        assertThat(vector.format()).isEqualTo("east:5,west:3");
        assertThat(VersionVector.parse("")).isEqualTo(VersionVector.EMPTY);
    }

    @Test
    void refusesMalformedTextSayingWhatIsWrong() {
        assertThatThrownBy(() -> VersionVector.parse("a:3,b"))
                .hasMessageContaining("\"b\" is not origin:count")
                .hasMessageContaining("such as a:3,b:5");
        assertThatThrownBy(() -> VersionVector.parse("a:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> VersionVector.parse("a:0")).hasMessageContaining("not positive");
        assertThatThrownBy(() -> VersionVector.parse("a:1,a:2")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> VersionVector.parse("a b:1")).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> VersionVector.EMPTY.increment("")).hasMessageContaining("non-empty");
    }
}
