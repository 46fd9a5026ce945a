package dev.junction.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.JunctionProperty;
import java.io.InputStream;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;

/**
 * {@code spring.datasource.junction.*} against {@link JunctionProperty}, the registry: the metadata the configuration
 * processor generated from {@link JunctionDataSourceProperties} (what IDEs complete) must name every property and
 * describe it with the registry's text, its values and its default.
 */
class JunctionDataSourcePropertiesTest {
    @Test
    void metadataHasOnePropertyPerJunctionPropertyWithTheRegistrysDescription() throws Exception {
        Map<String, ConfigurationMetadataProperty> metadata = metadata();
        assertThat(metadata.keySet())
                .containsExactlyInAnyOrderElementsOf(JunctionProperty.all().stream()
                        .map(p -> JunctionDataSourceProperties.PREFIX + "." + kebab(p.name()))
                        .collect(Collectors.toList()));
        for (JunctionProperty<?> property : JunctionProperty.all()) {
            ConfigurationMetadataProperty entry =
                    metadata.get(JunctionDataSourceProperties.PREFIX + "." + kebab(property.name()));
            assertThat(entry.getDescription())
                    .as("the Javadoc of JunctionDataSourceProperties.%s", property.name())
                    .isEqualTo(expectedDescription(property));
            assertThat(entry.getType()).isEqualTo(String.class.getName());
        }
    }

    @Test
    void valuesMapsEachSetFieldOntoItsJunctionProperty() {
        JunctionDataSourceProperties properties = new JunctionDataSourceProperties();
        properties.setReadConsistency("eventual");
        properties.setMonitorInterval("2s");
        properties.setReadRepair("on");
        assertThat(properties.values())
                .containsExactly(
                        Map.entry(JunctionProperty.READ_CONSISTENCY, "eventual"),
                        Map.entry(JunctionProperty.MONITOR_INTERVAL, "2s"),
                        Map.entry(JunctionProperty.READ_REPAIR, "on"));
    }

    @Test
    void everyJunctionPropertyHasASetterThatReachesValues() throws Exception {
        for (JunctionProperty<?> property : JunctionProperty.all()) {
            JunctionDataSourceProperties properties = new JunctionDataSourceProperties();
            String setter = "set" + Character.toUpperCase(property.name().charAt(0))
                    + property.name().substring(1);
            JunctionDataSourceProperties.class.getMethod(setter, String.class).invoke(properties, "v");
            assertThat(properties.values()).as(setter).containsExactly(Map.entry(property, "v"));
        }
    }

    /** The text the Javadoc of the property's field must have, as the configuration processor reads it. */
    static <T> String expectedDescription(JunctionProperty<T> property) {
        String defaultText = property.format(property.defaultValue());
        return property.description() + " Values: " + property.valuesText() + "; "
                + (defaultText.isEmpty() ? "no default." : "default `" + defaultText + "`.");
    }

    private static Map<String, ConfigurationMetadataProperty> metadata() throws Exception {
        try (InputStream json = JunctionDataSourceProperties.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(json).as("META-INF/spring-configuration-metadata.json").isNotNull();
            ConfigurationMetadataRepository repository =
                    ConfigurationMetadataRepositoryJsonBuilder.create(json).build();
            return repository.getAllProperties().entrySet().stream()
                    .filter(e -> e.getKey().startsWith(JunctionDataSourceProperties.PREFIX + "."))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }
}
