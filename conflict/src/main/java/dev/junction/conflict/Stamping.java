package dev.junction.conflict;

import java.util.Arrays;
import java.util.List;

/** What {@link StatementStamper} made of one SQL text. */
public sealed interface Stamping permits Stamping.Untouched, Stamping.Stamped, Stamping.Refused {
    /** The statement writes no opted-in table: it runs as written. */
    Stamping UNTOUCHED = new Untouched();

    /** See {@link #UNTOUCHED}. */
    final class Untouched implements Stamping {
        private Untouched() {}

        @Override
        public String toString() {
            return "untouched";
        }
    }

    /** A write of an opted-in table in a form that cannot be stamped, with what to do instead. */
    record Refused(String table, String reason) implements Stamping {}

    /**
     * A write of {@code table} with the stamp's places in it: the text in {@code fragments}, between which the
     * {@code slots} go ({@code fragments.size() == slots.size() + 1}).
     */
    final class Stamped implements Stamping {
        /** What goes into one place of the text. */
        public enum Slot {
            HLC,
            ORIGIN
        }

        private final String table;
        private final List<String> fragments;
        private final List<Slot> slots;
        private final boolean mysql;
        private final String preparedText;
        private final int[] applicationParameters;
        private final int[] hlcParameters;
        private final int[] originParameters;
        private final int reportedRows;

        /** In a parameter order: the stamp's parameter. */
        static final int HLC_PARAMETER = -1;
        /** In a parameter order: the origin's parameter. */
        static final int ORIGIN_PARAMETER = -2;

        /**
         * @param parameterOrder for each parameter of the prepared text in order: the application's parameter it is
         *     (1-based, in the application's numbering), or {@link #HLC_PARAMETER} or {@link #ORIGIN_PARAMETER}
         * @param reportedRows the update count the application is told at most, or -1 for the server's: 1 for a
         *     counter increment, the number of rows for an INSERT that may bring deleted rows back (MySQL and MariaDB
         *     count 2 for an upsert that updated)
         */
        Stamped(
                String table,
                List<String> fragments,
                List<Slot> slots,
                List<Integer> parameterOrder,
                boolean mysql,
                int reportedRows) {
            this.reportedRows = reportedRows;
            this.table = table;
            this.fragments = List.copyOf(fragments);
            this.slots = List.copyOf(slots);
            this.mysql = mysql;
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < slots.size(); i++) {
                text.append(fragments.get(i)).append('?');
            }
            this.preparedText = text.append(fragments.get(slots.size())).toString();
            int applications = (int) parameterOrder.stream().filter(p -> p > 0).count();
            int hlcs = 0, origins = 0;
            int[] app = new int[applications], hlc = new int[slots.size()], origin = new int[slots.size()];
            for (int i = 0; i < parameterOrder.size(); i++) {
                int parameter = parameterOrder.get(i);
                if (parameter > 0) {
                    app[parameter - 1] = i + 1;
                } else if (parameter == HLC_PARAMETER) {
                    hlc[hlcs++] = i + 1;
                } else {
                    origin[origins++] = i + 1;
                }
            }
            this.applicationParameters = app;
            this.hlcParameters = Arrays.copyOf(hlc, hlcs);
            this.originParameters = Arrays.copyOf(origin, origins);
        }

        /**
         * The update count the application is told at most for one execution, whatever the server reports, or -1 for
         * the server's: an upsert stands for the application's UPDATE of one row (a counter increment) or for its
         * INSERT of rows (which may bring deleted rows back), and MySQL and MariaDB count 2 for an upsert that updated.
         */
        public int reportedRows() {
            return reportedRows;
        }

        /** The opted-in table written, as configured. */
        public String table() {
            return table;
        }

        /** The text with a {@code ?} parameter in each slot: what a prepared statement prepares. */
        public String preparedText() {
            return preparedText;
        }

        /** How many parameters the application's own text has. */
        public int applicationParameters() {
            return applicationParameters.length;
        }

        /** Element {@code i - 1}: the index in {@link #preparedText} of the application's parameter {@code i}. */
        public int[] physicalIndexOfApplicationParameter() {
            return applicationParameters.clone();
        }

        /** The indexes in {@link #preparedText} that take the stamp. */
        public int[] hlcParameters() {
            return hlcParameters.clone();
        }

        /** The indexes in {@link #preparedText} that take the origin. */
        public int[] originParameters() {
            return originParameters.clone();
        }

        /** The text with the stamp and the origin written in as literals: what a plain statement runs. */
        public String inlineText(long hlc, String origin) {
            String quoted = mysql ? origin.replace("\\", "\\\\") : origin;
            String originLiteral = "'" + quoted.replace("'", "''") + "'";
            String hlcLiteral = Long.toString(hlc);
            StringBuilder text = new StringBuilder(preparedText.length() + 32);
            for (int i = 0; i < slots.size(); i++) {
                text.append(fragments.get(i)).append(slots.get(i) == Slot.HLC ? hlcLiteral : originLiteral);
            }
            return text.append(fragments.get(slots.size())).toString();
        }

        @Override
        public String toString() {
            return "stamped " + table + ": " + preparedText;
        }
    }
}
