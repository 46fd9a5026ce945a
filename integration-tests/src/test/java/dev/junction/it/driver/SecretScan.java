package dev.junction.it.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Looks for a password in text and in everything an exception shows: message and {@code toString()}, causes,
 * next exceptions and suppressed exceptions, recursively; as written and in the percent-encoded forms a URL may carry.
 */
final class SecretScan {
    private final List<String> forms;

    SecretScan(String secret) {
        StringBuilder specials = new StringBuilder();
        StringBuilder all = new StringBuilder();
        for (char c : secret.toCharArray()) {
            String hex = String.format(Locale.ROOT, "%%%02X", (int) c);
            specials.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : hex);
            all.append(hex);
        }
        // compared ignoring case, so %2d and %2D alike
        forms = List.of(secret, specials.toString(), all.toString());
    }

    void assertAbsent(String where, String text) {
        if (text == null) {
            return;
        }
        for (String form : forms) {
            assertThat(text)
                    .as("%s must not show the password (as %s)", where, form)
                    .doesNotContainIgnoringCase(form);
        }
    }

    void assertAbsent(String where, Throwable e) {
        scan(where, e, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private void scan(String where, Throwable e, Set<Throwable> visited) {
        if (e == null || !visited.add(e)) {
            return;
        }
        assertAbsent(where + ": " + e.getClass().getSimpleName(), e.getMessage());
        assertAbsent(where + ": " + e.getClass().getSimpleName(), e.toString());
        scan(where + " > cause", e.getCause(), visited);
        if (e instanceof SQLException sql) {
            scan(where + " > next", sql.getNextException(), visited);
        }
        for (Throwable suppressed : e.getSuppressed()) {
            scan(where + " > suppressed", suppressed, visited);
        }
    }
}
