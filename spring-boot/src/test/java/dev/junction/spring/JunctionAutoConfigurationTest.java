package dev.junction.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configuration on Boot 3.5 with Boot's own data source auto-configuration, no server: the pool never
 * starts. The same on Boot 4.0, and with a cluster, is {@code JunctionSpringBootIT} in module {@code spring-boot-it}.
 */
class JunctionAutoConfigurationTest {
    private static final String URL = "spring.datasource.url=jdbc:junction:postgresql://pg1:5432,pg2:5432/app";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(DataSourceAutoConfiguration.class, JunctionAutoConfiguration.class))
            .withPropertyValues("spring.datasource.driver-class-name=dev.junction.driver.JunctionDriver");

    /** An application's own Hikari override. */
    public static final class ApplicationOverride implements SQLExceptionOverride {}

    @Test
    void contributesNothingForAnotherUrl() {
        // The driver class stays JunctionDriver (PgJDBC is not on this class path): only the URL decides.
        runner.withPropertyValues("spring.datasource.url=jdbc:postgresql://pg1:5432/app")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(JunctionDataSourceProperties.class);
                    assertThat(context).doesNotHaveBean("junctionHealthIndicator");
                    assertThat(context.getBean(HikariDataSource.class).getExceptionOverrideClassName())
                            .isNull();
                });
    }

    @Test
    void setsJunctionsExceptionOverrideAndPropertiesOnBootsHikariDataSource() {
        runner.withPropertyValues(
                        URL,
                        "spring.datasource.junction.read-consistency=eventual",
                        "spring.datasource.junction.maxReplicaLag=250ms")
                .run(context -> {
                    HikariDataSource dataSource = context.getBean(HikariDataSource.class);
                    assertThat(dataSource.getExceptionOverrideClassName())
                            .isEqualTo(JunctionHikariExceptionOverride.class.getName());
                    assertThat(dataSource.getDataSourceProperties())
                            .containsEntry("readConsistency", "eventual")
                            .containsEntry("maxReplicaLag", "250ms")
                            .doesNotContainKey("staleReadFallback");
                });
    }

    @Test
    void keepsTheApplicationsOwnExceptionOverride() {
        runner.withPropertyValues(
                        URL,
                        "spring.datasource.hikari.exception-override-class-name=" + ApplicationOverride.class.getName())
                .run(context -> assertThat(
                                context.getBean(HikariDataSource.class).getExceptionOverrideClassName())
                        .isEqualTo(ApplicationOverride.class.getName()));
    }

    @Test
    void failsTheStartWithJunctionsMessageOnAnInvalidValue() {
        runner.withPropertyValues(URL, "spring.datasource.junction.read-consistency=sometimes")
                .run(
                        context -> assertThat(context)
                                .getFailure()
                                .rootCause()
                                .hasMessageContaining(
                                        "Invalid value \"sometimes\" for property \"readConsistency\": expected one of eventual, session, global, strong"));
    }

    @Test
    void failsTheStartWhenAValueIsGivenTwiceDifferently() {
        runner.withPropertyValues(
                        URL,
                        "spring.datasource.junction.read-consistency=eventual",
                        "spring.datasource.hikari.data-source-properties.readConsistency=strong")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining(
                                "Junction property \"readConsistency\" is set twice with different values"));
    }

    @Test
    void registersTheJunctionHealthIndicatorOnBoot3() {
        runner.withPropertyValues(URL)
                .run(context ->
                        assertThat(context).getBean("junctionHealthIndicator").isInstanceOf(HealthIndicator.class));
    }

    @Test
    void healthIndicatorCanBeSwitchedOff() {
        runner.withPropertyValues(URL, "management.health.junction.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("junctionHealthIndicator"));
    }
}
