package dev.junction.router.internal;

import java.time.Duration;

/**
 * Parses the duration syntax used by Junction's properties and hints: a non-negative integer or
 * decimal followed by {@code us}, {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms},
 * {@code 2s}, {@code 1.5s}).
 */
public final class DurationText {

    private DurationText() {}

    /** The duration, or {@code null} when the text is not one. */
    public static Duration parseOrNull(String text) {
        String t = text.strip();
        int unit = 0;
        while (unit < t.length() && (Character.isDigit(t.charAt(unit)) || t.charAt(unit) == '.')) {
            unit++;
        }
        if (unit == 0 || unit == t.length()) {
            return null;
        }
        double amount;
        try {
            amount = Double.parseDouble(t.substring(0, unit));
        } catch (NumberFormatException e) {
            return null;
        }
        long nanosPerUnit;
        switch (t.substring(unit).toLowerCase(java.util.Locale.ROOT)) {
            case "us":
                nanosPerUnit = 1_000L;
                break;
            case "ms":
                nanosPerUnit = 1_000_000L;
                break;
            case "s":
                nanosPerUnit = 1_000_000_000L;
                break;
            case "m":
                nanosPerUnit = 60_000_000_000L;
                break;
            case "h":
                nanosPerUnit = 3_600_000_000_000L;
                break;
            default:
                return null;
        }
        double nanos = amount * nanosPerUnit;
        if (nanos > Long.MAX_VALUE) {
            return null;
        }
        return Duration.ofNanos(Math.round(nanos));
    }
}
