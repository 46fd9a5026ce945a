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
    /** One recorded named parameter setting (or out-parameter registration) of a callable statement. */
    @FunctionalInterface
    interface Binding {
        void bind(PreparedStatement physical) throws SQLException;
    }

    /**
     * One recorded indexed parameter setting, told at binding time which index it has in the physical statement:
     * the application's own, or another where the rewrite step added parameters before it (multi-master stamping).
     */
    @FunctionalInterface
    interface IndexedBinding {
        void bind(PreparedStatement physical, int index) throws SQLException;
    }

    private static final IndexedBinding[] NONE = new IndexedBinding[0];

    private IndexedBinding[] indexed = NONE;
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
    void set(int index, IndexedBinding binding) {
        if (index < 1) {
            named(String.valueOf(index), physical -> binding.bind(physical, index));
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
        IndexedBinding[] values = indexed;
        for (int i = 0; i < highestIndex; i++) {
            IndexedBinding binding = values[i];
            if (binding != null) {
                binding.bind(physical, i + 1);
            }
        }
        bindNamed(physical);
    }

    /**
     * Sets every recorded parameter on {@code physical}, whose text the rewrite step changed: the application's
     * parameter {@code i} is the physical statement's {@code physicalIndex[i - 1]}.
     *
     * @throws SQLException {@code 07009} for a parameter the application's text does not have: bound as it was, it
     *     would fill one of the parameters the rewrite added, silently
     */
    void bindTo(PreparedStatement physical, int[] physicalIndex) throws SQLException {
        IndexedBinding[] values = indexed;
        for (int i = 0; i < highestIndex; i++) {
            IndexedBinding binding = values[i];
            if (binding == null) {
                continue;
            }
            if (i >= physicalIndex.length) {
                throw new SQLException(
                        "Parameter index " + (i + 1) + " is out of range: the statement has " + physicalIndex.length
                                + " parameter(s).",
                        "07009");
            }
            binding.bind(physical, physicalIndex[i]);
        }
        bindNamed(physical);
    }

    /**
     * Sets the application's parameter {@code applicationIndex} on {@code target} at {@code index}: a statement of
     * Junction's own that needs the value (read repair's fetch by key).
     *
     * @throws SQLException {@code 07001} when the application has not set it
     */
    void bindOne(PreparedStatement target, int index, int applicationIndex) throws SQLException {
        IndexedBinding binding = applicationIndex <= highestIndex ? indexed[applicationIndex - 1] : null;
        if (binding == null) {
            throw new SQLException("No value specified for parameter " + applicationIndex + ".", "07001");
        }
        binding.bind(target, index);
    }

    private void bindNamed(PreparedStatement physical) throws SQLException {
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
