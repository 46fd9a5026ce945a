package dev.junction.conflict;

import dev.junction.conflict.Stamping.Stamped.Slot;
import dev.junction.router.internal.SqlToken;
import dev.junction.router.internal.TokenType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The edits a stamping makes to one SQL text, collected in any order and applied in the order of the text: text
 * inserted or put in place of a range, with {@link Slot}s for the stamp's parameters; then the parameters' new order,
 * the application's {@code ?} renumbered around the slots.
 */
final class TextEdits {
    private record Edit(int start, int end, Object[] parts, int sequence) {}

    private final String sql;
    private final List<SqlToken> tokens;
    private final boolean mysql;
    private final List<Edit> edits = new ArrayList<>();

    TextEdits(String sql, List<SqlToken> tokens, boolean mysql) {
        this.sql = sql;
        this.tokens = tokens;
        this.mysql = mysql;
    }

    /** Inserts {@code parts} (text, or a {@link Slot}) at {@code position}; after earlier inserts at the same place. */
    void insert(int position, Object... parts) {
        replace(position, position, parts);
    }

    /** Puts {@code parts} in place of the text in {@code [start, end)}. */
    void replace(int start, int end, Object... parts) {
        edits.add(new Edit(start, end, parts, edits.size()));
    }

    boolean isEmpty() {
        return edits.isEmpty();
    }

    /**
     * The stamping of {@code table}: the edited text, or a refusal when the application's parameters cannot be
     * renumbered.
     *
     * @param reportedRows the update count to report for it, or -1 for the server's
     */
    Stamping build(String table, int reportedRows) {
        List<Edit> ordered = new ArrayList<>(edits);
        ordered.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::sequence));
        List<String> fragments = new ArrayList<>();
        List<Slot> slots = new ArrayList<>();
        List<Integer> slotPositions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int copied = 0;
        for (Edit edit : ordered) {
            current.append(sql, copied, edit.start());
            copied = edit.end();
            for (Object part : edit.parts()) {
                if (part instanceof Slot slot) {
                    fragments.add(current.toString());
                    current.setLength(0);
                    slots.add(slot);
                    slotPositions.add(edit.start());
                } else {
                    current.append((String) part);
                }
            }
        }
        current.append(sql, copied, sql.length());
        fragments.add(current.toString());
        List<Integer> parameters = new ArrayList<>();
        int slot = 0;
        int application = 0;
        for (SqlToken token : tokens) {
            if (token.type() != TokenType.PARAMETER) {
                continue;
            }
            if (!"?".equals(token.text())) {
                return new Stamping.Refused(
                        table,
                        "only ? parameters can be renumbered around the stamp; use ? instead of " + token.text());
            }
            while (slot < slots.size() && slotPositions.get(slot) <= token.start()) {
                parameters.add(parameterOf(slots.get(slot++)));
            }
            parameters.add(++application);
        }
        while (slot < slots.size()) {
            parameters.add(parameterOf(slots.get(slot++)));
        }
        return new Stamping.Stamped(table, fragments, slots, parameters, mysql, reportedRows);
    }

    static int parameterOf(Slot slot) {
        return slot == Slot.HLC ? Stamping.Stamped.HLC_PARAMETER : Stamping.Stamped.ORIGIN_PARAMETER;
    }
}
