package dev.junction.it.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The threads whose names start with given prefixes, to check that none outlives the connections that made it. */
public final class LiveThreads {
    private LiveThreads() {}

    public static Set<String> named(String... prefixes) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> java.util.Arrays.stream(prefixes).anyMatch(name::startsWith))
                .collect(Collectors.toSet());
    }

    /** Waits up to 5 s for every such thread not in {@code before} to end; fails naming those left. */
    public static void awaitNoneBeyond(Set<String> before, String... prefixes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Set<String> extra = named(prefixes);
        extra.removeAll(before);
        while (!extra.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            extra = named(prefixes);
            extra.removeAll(before);
        }
        assertThat(extra).as("threads left after every connection closed").isEmpty();
    }
}
