package dev.junction.conflict;

import java.util.List;

/**
 * The application's merge of concurrent versions of one row under the {@code version-vector} policy: a model
 * registry might keep the highest stage and the union of metrics, a cart the union of items. Called with two or more
 * siblings, none of which includes the others' writes, in a deterministic order (by stamp); it must not depend on
 * anything but them, so that every master that merges the same siblings gets the same row.
 *
 * @param <V> the application's values of the row
 */
@FunctionalInterface
public interface MergeFunction<V> {
    /**
     * The merged row's values, or {@code null} for a deleted row.
     *
     * @param siblings the concurrent versions, tombstones included (their value is null)
     */
    V merge(List<RowVersion<V>> siblings);
}
