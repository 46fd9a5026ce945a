package dev.junction.driver;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parsed, validated values of every {@link JunctionProperty} of one data source or connection: defaults for
 * those not given. Immutable; built once when a connection is configured, so that a bad value fails at
 * configuration time and never halfway through a transaction.
 */
public final class JunctionProperties {
    private static final JunctionProperties DEFAULTS = new JunctionProperties(Map.of());

    private final Map<JunctionProperty<?>, Object> values;

    private JunctionProperties(Map<JunctionProperty<?>, Object> values) {
        this.values = Map.copyOf(values);
    }

    /** Every property at its default. */
    public static JunctionProperties defaults() {
        return DEFAULTS;
    }

    /**
     * Parses the entries of {@code raw} that name Junction properties and ignores the others (they belong to the
     * backend driver).
     *
     * @throws SQLException {@link JunctionErrorCode#INVALID_PROPERTY_VALUE} for the first invalid value
     */
    public static JunctionProperties parse(Map<String, String> raw) throws SQLException {
        Map<JunctionProperty<?>, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : raw.entrySet()) {
            JunctionProperty<?> property =
                    JunctionProperty.named(entry.getKey()).orElse(null);
            if (property != null && entry.getValue() != null) {
                values.put(property, property.parse(entry.getValue()));
            }
        }
        return new JunctionProperties(values);
    }

    /** The value of {@code property}: the one given, else its default. */
    public <T> T get(JunctionProperty<T> property) {
        Object value = values.get(property);
        return value == null ? property.defaultValue() : property.type().cast(value);
    }

    /** Whether {@code property} was given explicitly (rather than defaulted). */
    public boolean isSet(JunctionProperty<?> property) {
        return values.containsKey(property);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("JunctionProperties{");
        String separator = "";
        for (JunctionProperty<?> property : JunctionProperty.all()) {
            text.append(separator).append(property.name()).append('=').append(formatted(property));
            separator = ", ";
        }
        return text.append('}').toString();
    }

    private <T> String formatted(JunctionProperty<T> property) {
        return property.format(get(property));
    }
}
