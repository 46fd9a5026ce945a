package dev.junction.driver.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Micrometer's absence costs nothing: no class of the driver but {@link JunctionMeterBinder} (and its nested classes)
 * names a Micrometer type, so none of them fails to load without it. Read from the compiled classes' constant pools.
 */
class MicrometerIsolationTest {
    @Test
    void onlyTheMeterBinderReferencesMicrometer() throws IOException, URISyntaxException {
        Path classes = Path.of(JunctionMeterBinder.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> referencing;
        try (Stream<Path> files = Files.walk(classes)) {
            referencing = files.filter(file -> file.toString().endsWith(".class"))
                    .filter(MicrometerIsolationTest::namesMicrometer)
                    .map(file -> classes.relativize(file).toString())
                    .sorted()
                    .toList();
        }
        assertThat(referencing)
                .isNotEmpty()
                .allMatch(name -> name.startsWith("dev/junction/driver/metrics/JunctionMeterBinder"));
    }

    private static boolean namesMicrometer(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("io/micrometer/");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
