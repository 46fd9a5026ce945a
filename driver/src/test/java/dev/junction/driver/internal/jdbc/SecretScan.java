package dev.junction.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Looks for a password in everything an exception can show: its message and {@code toString()}, its causes, its
 * {@link SQLException#getNextException() next exceptions} and its suppressed exceptions, recursively; and in any
 * text. The password is looked for as written and in each percent-encoded form a URL may carry it in.
 */
final class SecretScan {
    private final String secret;
    private final List<String> forms;

    SecretScan(String secret) {
        this.secret = secret;
        List<String> all = new ArrayList<>();
        all.add(secret);
        all.add(encodeSpecials(secret, false));
        all.add(encodeSpecials(secret, true));
        all.add(encodeAll(secret, false));
        all.add(encodeAll(secret, true));
        this.forms = List.copyOf(all);
    }

    String secret() {
        return secret;
    }

    /** {@code S3cr3t%2Dpw}: what a URL encoder makes of it. */
    private static String encodeSpecials(String text, boolean lower) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : hex(c, lower));
        }
        return out.toString();
    }

    /** {@code %53%33...}: every character escaped. */
    private static String encodeAll(String text, boolean lower) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(hex(c, lower));
        }
        return out.toString();
    }

    private static String hex(char c, boolean lower) {
        String hex = String.format(Locale.ROOT, "%%%02X", (int) c);
        return lower ? hex.toLowerCase(Locale.ROOT) : hex;
    }

    /** Fails when {@code text} holds the password in any form; {@code where} says what was scanned. */
    void assertAbsent(String where, String text) {
        if (text == null) {
            return;
        }
        for (String form : forms) {
            assertThat(text)
                    .as("%s must not show the password (as %s)", where, form)
                    .doesNotContain(form);
        }
    }

    /** Scans {@code e} and everything reachable from it; returns every message seen, for further assertions. */
    List<String> assertAbsent(String where, Throwable e) {
        List<String> seen = new ArrayList<>();
        scan(where, e, Collections.newSetFromMap(new IdentityHashMap<>()), seen);
        return seen;
    }

    private void scan(String where, Throwable e, Set<Throwable> visited, List<String> seen) {
        if (e == null || !visited.add(e)) {
            return;
        }
        seen.add(e.getMessage());
        assertAbsent(where + ": message of " + e.getClass().getSimpleName(), e.getMessage());
        assertAbsent(where + ": toString of " + e.getClass().getSimpleName(), e.toString());
        assertAbsent(where + ": localized message of " + e.getClass().getSimpleName(), e.getLocalizedMessage());
        scan(where + " > cause", e.getCause(), visited, seen);
        if (e instanceof SQLException sql) {
            scan(where + " > next", sql.getNextException(), visited, seen);
        }
        for (Throwable suppressed : e.getSuppressed()) {
            scan(where + " > suppressed", suppressed, visited, seen);
        }
    }
}
