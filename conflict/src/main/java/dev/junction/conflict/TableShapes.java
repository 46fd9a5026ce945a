package dev.junction.conflict;

/** Where {@link StatementStamper} finds a conflict table's {@link TableShape}: the driver's catalog, a test's map. */
@FunctionalInterface
public interface TableShapes {
    /**
     * The shape of the conflict table configured as {@code configuredTable}.
     *
     * @throws ShapeUnavailableException when it cannot be read (the table is missing, or the catalog did not answer)
     */
    TableShape of(String configuredTable);

    /** A table's shape could not be read: a write that needs it is refused with this message. */
    final class ShapeUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ShapeUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
