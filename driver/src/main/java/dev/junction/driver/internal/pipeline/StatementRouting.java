package dev.junction.driver.internal.pipeline;

import dev.junction.driver.internal.topology.ViewCatalog;

/**
 * Classifies SQL text for routing. The seam between the driver and the SQL classifier: the driver asks only
 * this, so the classifier behind it can change without touching the wrappers.
 */
public interface StatementRouting {
    /** Classifies one SQL text as the application sent it. Must not throw: what it cannot tell is a write. */
    StatementInfo classify(String sql);

    /** The views that must be read on the primary; none by default. */
    default ViewCatalog views() {
        return NO_VIEWS;
    }

    /** DDL ran through Junction: what was learnt about functions and views may be out of date. */
    default void definitionsChanged() {}

    /** Shared by routings without a catalog: it never loads anything. */
    ViewCatalog NO_VIEWS = ViewCatalog.none();
}
