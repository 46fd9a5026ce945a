package dev.junction.driver.internal;

import java.util.regex.Pattern;

/**
 * Masks secrets in text that is about to go into an exception message or a log line: the value of any URL
 * parameter whose name looks like a credential, and a {@code user:password@} prefix some tools put before hosts.
 */
public final class CredentialMask {
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;](?:[a-z0-9_.-]*password[a-z0-9_.-]*|[a-z0-9_.-]*secret[a-z0-9_.-]*|sslkey|sslpassword|token)=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@,?]*:)[^/@,?]*@");

    private CredentialMask() {
    }

    /** {@code url} with every secret replaced by {@code ***}. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String masked = SECRET_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(masked).replaceAll("$1***@");
    }

    /** Whether a property of this name holds a secret and must never be printed. */
    public static boolean isSecret(String propertyName) {
        String lower = propertyName.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.equals("sslkey") || lower.equals("token");
    }
}
