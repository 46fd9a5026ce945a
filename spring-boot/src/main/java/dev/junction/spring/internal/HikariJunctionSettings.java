package dev.junction.spring.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.junction.driver.JunctionProperty;
import dev.junction.spring.JunctionDataSourceProperties;
import dev.junction.spring.JunctionHikariExceptionOverride;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;

/**
 * Configures a {@link HikariDataSource} whose JDBC URL is Junction's, after Boot has bound
 * {@code spring.datasource.hikari.*} onto it and before its pool starts (Boot's binding post-processor runs first:
 * this one has the lowest precedence; the pool starts at the first {@code getConnection}, after initialisation):
 *
 * <ul>
 *   <li>the exception override: {@link JunctionHikariExceptionOverride}, unless the application set one, by name or
 *       instance;
 *   <li>{@code spring.datasource.junction.*}: each value is parsed by its {@link JunctionProperty} first, so that a bad
 *       one fails the start with Junction's message, then added to the pool's data source properties. With a driver
 *       class or URL (Boot's way), Hikari's {@code DriverDataSource} passes those to {@code Driver.connect} as the JDBC
 *       {@link Properties} Junction reads. A value also given, differently, in
 *       {@code spring.datasource.hikari.data-source-properties} fails the start rather than one silently winning.
 * </ul>
 */
public final class HikariJunctionSettings implements BeanPostProcessor, Ordered {
    private final Supplier<JunctionDataSourceProperties> properties;

    public HikariJunctionSettings(Supplier<JunctionDataSourceProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource && OnJunctionUrl.isJunction(((HikariDataSource) bean).getJdbcUrl())) {
            HikariDataSource dataSource = (HikariDataSource) bean;
            setExceptionOverride(dataSource);
            addJunctionProperties(beanName, dataSource.getDataSourceProperties());
        }
        return bean;
    }

    private static void setExceptionOverride(HikariDataSource dataSource) {
        if (dataSource.getExceptionOverrideClassName() == null && dataSource.getExceptionOverride() == null) {
            dataSource.setExceptionOverrideClassName(JunctionHikariExceptionOverride.class.getName());
        }
    }

    private void addJunctionProperties(String beanName, Properties target) {
        for (Map.Entry<JunctionProperty<?>, String> entry :
                properties.get().values().entrySet()) {
            String name = entry.getKey().name();
            String value = entry.getValue();
            try {
                entry.getKey().parse(value);
            } catch (SQLException e) {
                throw new BeanCreationException(
                        beanName, JunctionDataSourceProperties.PREFIX + "." + name + ": " + e.getMessage(), e);
            }
            Object already = target.get(name);
            if (already != null && !already.toString().equals(value)) {
                throw new BeanCreationException(
                        beanName,
                        "Junction property \"" + name + "\" is set twice with different values: \"" + value + "\" in "
                                + JunctionDataSourceProperties.PREFIX + "." + name + " and \"" + already
                                + "\" in spring.datasource.hikari.data-source-properties." + name
                                + ". Keep one of them.");
            }
            target.setProperty(name, value);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
