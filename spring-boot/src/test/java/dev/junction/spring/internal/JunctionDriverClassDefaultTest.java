package dev.junction.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.JunctionDriver;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class JunctionDriverClassDefaultTest {
    private final JunctionDriverClassDefault postProcessor = new JunctionDriverClassDefault();

    @Test
    void namesJunctionDriverForAJunctionUrlWithoutDriverClass() {
        StandardEnvironment environment =
                environment(Map.of("spring.datasource.url", "jdbc:junction:postgresql://pg1/app"));
        postProcessor.postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("spring.datasource.driver-class-name"))
                .isEqualTo(JunctionDriver.class.getName());
    }

    @Test
    void keepsTheApplicationsDriverClass() {
        StandardEnvironment environment = environment(Map.of(
                "spring.datasource.url", "jdbc:junction:postgresql://pg1/app",
                "spring.datasource.driver-class-name", "com.example.Wrapper"));
        postProcessor.postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("spring.datasource.driver-class-name"))
                .isEqualTo("com.example.Wrapper");
    }

    @Test
    void addsNothingForAnotherUrl() {
        StandardEnvironment environment = environment(Map.of("spring.datasource.url", "jdbc:postgresql://pg1/app"));
        postProcessor.postProcessEnvironment(environment, null);
        assertThat(environment.containsProperty("spring.datasource.driver-class-name"))
                .isFalse();
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }
}
