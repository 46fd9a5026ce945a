package dev.junction.router.internal;

import dev.junction.router.Hints;
import dev.junction.router.ReadConsistency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads {@link Hints} from a statement's leading comments; see {@link Hints} for the syntax. */
public final class HintParser {

    private static final String PREFIX = "junction:";

    private HintParser() {}

    public static Hints parse(List<String> leadingComments) {
        if (leadingComments.isEmpty()) {
            return Hints.NONE;
        }
        boolean primary = false;
        boolean replica = false;
        Duration lag = null;
        ReadConsistency consistency = null;
        String syncMode = null;
        List<String> ignored = new ArrayList<>(0);
        boolean found = false;
        for (String comment : leadingComments) {
            String body = comment.strip();
            if (!body.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                continue;
            }
            found = true;
            for (String directive : body.substring(PREFIX.length()).split("[\\s,]+")) {
                String d = directive.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                        ? directive.substring(PREFIX.length())
                        : directive;
                if (d.isEmpty()) {
                    continue;
                }
                int eq = d.indexOf('=');
                String key = (eq < 0 ? d : d.substring(0, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : d.substring(eq + 1);
                switch (key) {
                    case "primary":
                        if (value == null) {
                            primary = true;
                            continue;
                        }
                        break;
                    case "replica":
                        if (value == null) {
                            replica = true;
                            continue;
                        }
                        break;
                    case "maxreplicalag":
                        Duration parsed = value == null ? null : DurationText.parseOrNull(value);
                        if (parsed != null) {
                            lag = parsed;
                            continue;
                        }
                        break;
                    case "consistency":
                        ReadConsistency c = value == null ? null : consistencyOrNull(value);
                        if (c != null) {
                            consistency = c;
                            continue;
                        }
                        break;
                    case "syncmode":
                        syncMode = value == null ? "" : value; // validated by the driver, which refuses a bad one
                        continue;
                    default:
                        break;
                }
                ignored.add(directive);
            }
        }
        return found ? Hints.of(primary, replica, lag, consistency, syncMode, ignored) : Hints.NONE;
    }

    private static ReadConsistency consistencyOrNull(String value) {
        for (ReadConsistency c : ReadConsistency.values()) {
            if (c.propertyValue().equalsIgnoreCase(value)) {
                return c;
            }
        }
        return null;
    }
}
