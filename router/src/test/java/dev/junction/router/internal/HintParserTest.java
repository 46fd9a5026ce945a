package dev.junction.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.router.Hints;
import dev.junction.router.ReadConsistency;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HintParserTest {

    @Test
    void readsEachDirective() {
        assertThat(HintParser.parse(List.of(" junction:primary ")).primary()).isTrue();
        assertThat(HintParser.parse(List.of("junction:replica")).replica()).isTrue();
        assertThat(HintParser.parse(List.of("junction:maxReplicaLag=250ms")).maxReplicaLag())
                .isEqualTo(Duration.ofMillis(250));
        assertThat(HintParser.parse(List.of("junction:consistency=eventual")).consistency())
                .isEqualTo(ReadConsistency.EVENTUAL);
    }

    @Test
    void combinesDirectivesSeparatedBySpacesOrCommasAcrossComments() {
        Hints h = HintParser.parse(
                List.of(" load User ", " JUNCTION:Replica, maxreplicalag=2s ", "junction:consistency=SESSION"));
        assertThat(h.replica()).isTrue();
        assertThat(h.maxReplicaLag()).isEqualTo(Duration.ofSeconds(2));
        assertThat(h.consistency()).isEqualTo(ReadConsistency.SESSION);
        assertThat(h.ignored()).isEmpty();
    }

    @Test
    void acceptsARepeatedPrefixOnEachDirective() {
        Hints h = HintParser.parse(List.of("junction:replica junction:maxReplicaLag=1.5s"));
        assertThat(h.replica()).isTrue();
        assertThat(h.maxReplicaLag()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void letsPrimaryWinOverReplica() {
        Hints h = HintParser.parse(List.of("junction:replica primary"));
        assertThat(h.primary()).isTrue();
        assertThat(h.replica()).isFalse();
    }

    @Test
    void listsWhatItDidNotUnderstandInsteadOfFailing() {
        Hints h = HintParser.parse(List.of("junction:replica maxReplicaLag=2x consistency=perfect fastest"));
        assertThat(h.replica()).isTrue();
        assertThat(h.maxReplicaLag()).isNull();
        assertThat(h.ignored()).containsExactly("maxReplicaLag=2x", "consistency=perfect", "fastest");
    }

    @Test
    void ignoresCommentsThatAreNotHints() {
        assertThat(HintParser.parse(List.of(" load com.example.User ", " junctionreplica ")))
                .isSameAs(Hints.NONE);
        assertThat(HintParser.parse(List.of())).isSameAs(Hints.NONE);
    }

    @Test
    void parsesDurationsInEveryUnit() {
        assertThat(DurationText.parseOrNull("500us")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(DurationText.parseOrNull("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parseOrNull("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationText.parseOrNull("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(DurationText.parseOrNull("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parseOrNull("2")).isNull();
        assertThat(DurationText.parseOrNull("s")).isNull();
        assertThat(DurationText.parseOrNull("-1s")).isNull();
        assertThat(DurationText.parseOrNull("1.2.3s")).isNull();
    }
}
