package dev.junction.driver.internal.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Masks secrets in text that is about to go into an exception message, a log line or a {@code toString()}.
 *
 * <p>Two kinds of text, two rules. A URL ({@link #url}) is masked as the parser would read it: the value of every
 * parameter whose name, once percent-decoded ({@code pass%77ord} is {@code password}), looks like a credential, and
 * everything between {@code ://} and the last {@code @}, whatever it holds: a password in a {@code user:password@}
 * prefix may contain {@code /}, {@code ,}, {@code :}, {@code ?} or {@code @}, so no narrower rule finds its end.
 * Free text ({@link #text}), such as a backend's error message, keeps its {@code @}s ({@code 'app'@'localhost'})
 * and is masked only where a URL inside it shows a credential.
 */
public final class CredentialMask {
    private static final String MASK = "***";
    /** A parameter inside free text: a delimiter, a name, {@code =}, and the value up to the next delimiter. */
    private static final Pattern PARAMETER = Pattern.compile("([?&;])([^=&;?\\s]+)=([^&;\\s]*)");

    private static final Pattern USER_INFO = Pattern.compile("(//[^/@,?\\s]*:)[^\\s]*@");

    private CredentialMask() {}

    /** {@code url} with every secret replaced by {@code ***}; see the class comment. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        boolean[] hidden = new boolean[url.length()];
        // Everything up to the last '@' and every credential value, as found in the URL as written: a value masked
        // first could swallow the '@' that ends a user:password@ prefix, and the other way round.
        int at = url.lastIndexOf('@');
        for (int i = start; i < at; i++) {
            hidden[i] = true;
        }
        java.util.regex.Matcher parameter = PARAMETER.matcher(url);
        while (parameter.find()) {
            if (isSecret(decodeFully(parameter.group(2)))) {
                for (int i = parameter.start(3); i < parameter.end(3); i++) {
                    hidden[i] = true;
                }
            }
        }
        StringBuilder masked = new StringBuilder(url.length());
        for (int i = 0; i < url.length(); i++) {
            if (!hidden[i]) {
                masked.append(url.charAt(i));
            } else if (i == 0 || !hidden[i - 1]) {
                masked.append(MASK);
            }
        }
        return masked.toString();
    }

    /**
     * {@code text} with the secrets of any URL in it masked: values of credential parameters (names percent-decoded)
     * and the password of a {@code //user:password@} prefix. Other {@code @}s stay, so that a MySQL
     * {@code Access denied for user 'app'@'localhost'} still says who was denied.
     */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        return USER_INFO
                .matcher(maskParameters(text))
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1)) + MASK + "@");
    }

    private static String maskParameters(String text) {
        return PARAMETER
                .matcher(text)
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                        m.group(1) + m.group(2) + "=" + (isSecret(decodeFully(m.group(2))) ? MASK : m.group(3))));
    }

    /** Decoded until nothing changes: a name encoded twice must not slip through as something else. */
    private static String decodeFully(String name) {
        String current = name;
        for (int i = 0; i < 5 && current.indexOf('%') >= 0; i++) {
            String next;
            try {
                next = URLDecoder.decode(current, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return current;
            }
            if (next.equals(current)) {
                break;
            }
            current = next;
        }
        return current;
    }

    /**
     * Whether a property of this name holds a secret and must never be printed: any name containing
     * {@code password}, {@code passwd}, {@code pwd}, {@code secret} or {@code token}, in any case, and {@code sslkey}.
     */
    public static boolean isSecret(String propertyName) {
        String lower = propertyName.toLowerCase(Locale.ROOT);
        return lower.contains("password")
                || lower.contains("passwd")
                || lower.contains("pwd")
                || lower.contains("secret")
                || lower.contains("token")
                || lower.equals("sslkey");
    }
}
