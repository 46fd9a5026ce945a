package dev.junction.spring.internal;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code spring.datasource.url} starts with {@code jdbc:junction:}. The outcome (in the conditions
 * report) never quotes the URL, which may carry a password.
 */
public final class OnJunctionUrl extends SpringBootCondition {
    static final String URL_PROPERTY = "spring.datasource.url";
    static final String JUNCTION_PREFIX = "jdbc:junction:";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String url = context.getEnvironment().getProperty(URL_PROPERTY);
        if (isJunction(url)) {
            return ConditionOutcome.match(URL_PROPERTY + " starts with " + JUNCTION_PREFIX);
        }
        return ConditionOutcome.noMatch(
                url == null ? URL_PROPERTY + " is not set" : URL_PROPERTY + " does not start with " + JUNCTION_PREFIX);
    }

    /** Whether {@code url} is a Junction URL (as {@code JunctionDriver#acceptsURL} reads it: the exact prefix). */
    static boolean isJunction(String url) {
        return url != null && url.startsWith(JUNCTION_PREFIX);
    }
}
