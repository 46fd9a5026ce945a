package dev.junction.driver.internal.jdbc;

import dev.junction.driver.internal.pipeline.OptimisticJournal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters an application set on a {@link JunctionPreparedStatement}, recorded until an execution binds them
 * to the physical statement of the node that runs it. Indexed parameters sit in an array by index (no boxing, no
 * map entry per {@code setInt}: this is on every execution's path); a callable's named parameters, rare, in a map
 * created on first use. Binding order: indexes ascending, then names in the order first set; neither backend
 * driver depends on the order.
 */
final class ParameterBindings implements OptimisticJournal.Parameters {
    /** One recorded parameter setting. */
    @FunctionalInterface
    interface Binding {
        void bind(PreparedStatement physical) throws SQLException;
    }

    private static final Binding[] NONE = new Binding[0];

    private Binding[] indexed = NONE;
    private int highestIndex;
    private Map<String, Binding> named;

    ParameterBindings() {}

    private ParameterBindings(ParameterBindings source) {
        this.indexed = source.highestIndex == 0 ? NONE : Arrays.copyOf(source.indexed, source.highestIndex);
        this.highestIndex = source.highestIndex;
        this.named = source.named == null ? null : new LinkedHashMap<>(source.named);
    }

    /**
     * Records {@code binding} for parameter {@code index}, replacing an earlier one. An index below 1 is recorded
     * as is and left to the backend driver to reject at execution, in its own words, as it would have directly.
     */
    void set(int index, Binding binding) {
        if (index < 1) {
            named(String.valueOf(index), binding);
            return;
        }
        if (index > indexed.length) {
            indexed = Arrays.copyOf(indexed, Math.max(index, Math.max(4, indexed.length * 2)));
        }
        indexed[index - 1] = binding;
        highestIndex = Math.max(highestIndex, index);
    }

    /** Records {@code binding} for the named parameter {@code name} of a callable statement. */
    void named(String name, Binding binding) {
        if (named == null) {
            named = new LinkedHashMap<>();
        }
        named.put(name, binding);
    }

    /** Sets every recorded parameter on {@code physical}. */
    @Override
    public void bindTo(PreparedStatement physical) throws SQLException {
        Binding[] values = indexed;
        for (int i = 0; i < highestIndex; i++) {
            Binding binding = values[i];
            if (binding != null) {
                binding.bind(physical);
            }
        }
        if (named != null) {
            for (Binding binding : named.values()) {
                binding.bind(physical);
            }
        }
    }

    /** An independent copy: a batch row, or the parameters a replayed session statement ran with. */
    ParameterBindings copy() {
        return new ParameterBindings(this);
    }

    void clear() {
        Arrays.fill(indexed, null);
        highestIndex = 0;
        named = null;
    }
}
