package dev.junction.spring.internal;

import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code junction} health indicator on Boot 4.0, whose health API moved to {@code spring-boot-health}
 * ({@code org.springframework.boot.health.contributor}). Compiled against that artifact alone; on Boot 3.5 the class
 * condition fails (read from the class file, nothing loaded) and {@link Boot3HealthConfiguration} serves instead.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnProperty(prefix = "management.health.junction", name = "enabled", matchIfMissing = true)
public class Boot4HealthConfiguration {
    /** The bean name makes the component name: {@code junction}. */
    @Bean
    @ConditionalOnMissingBean(name = "junctionHealthIndicator")
    HealthIndicator junctionHealthIndicator(ObjectProvider<DataSource> dataSource) {
        return () -> {
            TopologyHealth health = TopologyHealth.of(dataSource);
            return Health.status(health.status()).withDetails(health.details()).build();
        };
    }
}
