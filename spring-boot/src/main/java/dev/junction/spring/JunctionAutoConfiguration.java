package dev.junction.spring;

import dev.junction.spring.internal.Boot3HealthConfiguration;
import dev.junction.spring.internal.Boot4HealthConfiguration;
import dev.junction.spring.internal.HikariJunctionSettings;
import dev.junction.spring.internal.MetricsConfiguration;
import dev.junction.spring.internal.OnJunctionUrl;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;

/**
 * Junction for a Spring Boot 3.5 or 4.0 application whose {@code spring.datasource.url} starts with
 * {@code jdbc:junction:}; with any other URL it contributes nothing. It binds {@code spring.datasource.junction.*}
 * ({@link JunctionDataSourceProperties}), and
 *
 * <ul>
 *   <li>on the Boot-created {@code HikariDataSource}, before its pool starts: {@link JunctionHikariExceptionOverride}
 *       as the exception override (unless the application named one) and the {@code spring.datasource.junction.*}
 *       values as JDBC properties, validated first;
 *   <li>with Actuator, the health indicator {@code junction}: every node's address, role, up or down, staleness bound
 *       and replication position; UP while a primary is up. Boot 3.5 and 4.0 have their health API in different
 *       packages, so each has its own configuration, loaded only on its own Boot;
 *   <li>with Micrometer, Junction's meters ({@link MetricsConfiguration}).
 * </ul>
 *
 * <p>No type of Boot's data source auto-configuration is referenced: it moved between 3.5 and 4.0, and none of this
 * needs to run before or after it.
 */
@AutoConfiguration
@Conditional(OnJunctionUrl.class)
@EnableConfigurationProperties(JunctionDataSourceProperties.class)
@Import({Boot3HealthConfiguration.class, Boot4HealthConfiguration.class, MetricsConfiguration.class})
public class JunctionAutoConfiguration {
    /**
     * Static, so that the post-processor is registered before any data source is created; the properties are looked up
     * only when the data source is, for the same reason.
     */
    @Bean
    @ConditionalOnClass(name = "com.zaxxer.hikari.HikariDataSource")
    static BeanPostProcessor junctionHikariSettings(ObjectProvider<JunctionDataSourceProperties> properties) {
        return new HikariJunctionSettings(properties::getObject);
    }
}
