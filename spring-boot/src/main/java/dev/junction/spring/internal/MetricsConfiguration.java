package dev.junction.spring.internal;

import dev.junction.driver.metrics.JunctionMeterBinder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With Micrometer on the class path (Actuator brings it), Junction's meters ({@code junction.statements{target,
 * reason,cluster}}, staleness, waits, errors, classifier, moves): Boot binds every {@code MeterBinder} bean to its
 * registries, the same way in 3.5 and 4.0. The binder follows clusters as connections come and go, and unbinds
 * them when the context closes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
public class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    JunctionMeterBinder junctionMeterBinder() {
        return new JunctionMeterBinder();
    }
}
