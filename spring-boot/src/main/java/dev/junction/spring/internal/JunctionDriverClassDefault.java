package dev.junction.spring.internal;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets an application swap only {@code spring.datasource.url}: Boot derives the driver class from the URL's scheme and
 * knows no {@code jdbc:junction:}, so without {@code spring.datasource.driver-class-name} its data source fails with
 * "Failed to determine a suitable driver class". When the URL is Junction's and no driver class is set, this adds
 * {@code dev.junction.driver.JunctionDriver} as a default, in a property source of the lowest precedence: any value
 * the application sets, in any form, wins.
 *
 * <p>An environment post-processor, not auto-configuration, because Boot reads the driver class while it creates the
 * data source. Registered in {@code META-INF/spring.factories} under {@code org.springframework.boot.env
 * .EnvironmentPostProcessor}, the key of Boot 3.5, which Boot 4.0 still loads (deprecated there in favour of
 * {@code org.springframework.boot.EnvironmentPostProcessor}, which Boot 3.5 does not have). It runs after Boot's
 * config data post-processor (lowest precedence), so it sees {@code application.properties}.
 */
public final class JunctionDriverClassDefault implements EnvironmentPostProcessor, Ordered {
    static final String DRIVER_CLASS_PROPERTY = "spring.datasource.driver-class-name";
    /** The driver's class name as text: loading {@code JunctionDriver} here would start its warm-up this early. */
    static final String JUNCTION_DRIVER = "dev.junction.driver.JunctionDriver";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (OnJunctionUrl.isJunction(environment.getProperty(OnJunctionUrl.URL_PROPERTY))
                && !environment.containsProperty(DRIVER_CLASS_PROPERTY)) {
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource(
                            "junctionDriverClassDefault", Map.of(DRIVER_CLASS_PROPERTY, JUNCTION_DRIVER)));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
