package dev.junction.spring.internal;

import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code junction} health indicator on Boot 3.5 (Actuator's {@code org.springframework.boot.actuate.health}).
 * Conditions by class name, read from the class file without loading it: on Boot 4.0, where that package's
 * {@code HealthIndicator} is gone or superseded, {@link Boot4HealthConfiguration} serves instead.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnProperty(prefix = "management.health.junction", name = "enabled", matchIfMissing = true)
public class Boot3HealthConfiguration {
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
