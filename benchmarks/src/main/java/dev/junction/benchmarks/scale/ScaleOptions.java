package dev.junction.benchmarks.scale;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link ReadScaleOutBenchmark}'s command line, validated: each bad value is refused with what was expected. */
record ScaleOptions(
        double cap,
        long periodMicros,
        List<Integer> threads,
        List<String> mixes,
        int seconds,
        int warmupSeconds,
        int rounds,
        int rows,
        List<String> junction,
        String consistency,
        boolean pin,
        String out) {

    /** Every {@code loadBalance}, then the default one with the primary taking reads. */
    static final String DEFAULT_JUNCTION = "round-robin;random;least-lag;fastest;least-busy;"
            + "least-busy&primaryReads=when-idle;least-busy&primaryReads=weighted";

    /** The benchmark's cluster: a primary and two standbys. */
    static final int NODES = 3;

    private static final Set<String> MIXES = Set.of("read-only", "90/10");
    private static final Set<String> NAMES = Set.of(
            "cap",
            "period-us",
            "threads",
            "mixes",
            "seconds",
            "warmup",
            "rounds",
            "rows",
            "junction",
            "consistency",
            "pin",
            "out");

    static ScaleOptions parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !NAMES.contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "Invalid argument " + args[i] + ": expected --name value, names " + NAMES);
            }
            given.put(name, args[i + 1]);
        }
        double cap = Double.parseDouble(given.getOrDefault("cap", "0.2"));
        if (!(cap > 0 && cap <= 1)) {
            throw new IllegalArgumentException(
                    "Invalid --cap " + cap + ": a share of one CPU, more than 0, at most 1.");
        }
        boolean pin = onOrOff(given.getOrDefault("pin", "on"));
        if (pin && cap * NODES > 1) {
            // Pinned, all three nodes share CPU 0: caps above a third of a CPU would make CPU 0 the bottleneck
            // instead of the caps, and the benchmark would measure the wrong thing.
            throw new IllegalArgumentException(
                    "Invalid --cap " + cap + " with --pin on: " + NODES + " nodes pinned to CPU 0 can take at most 1/"
                            + NODES + " of a CPU each; lower --cap or use --pin off.");
        }
        List<String> mixes =
                List.of(given.getOrDefault("mixes", "read-only,90/10").split(","));
        for (String mix : mixes) {
            if (!MIXES.contains(mix)) {
                throw new IllegalArgumentException("Invalid mix " + mix + ": expected read-only or 90/10.");
            }
        }
        return new ScaleOptions(
                cap,
                positive(given, "period-us", 100_000),
                Arrays.stream(given.getOrDefault("threads", "8,32").split(","))
                        .map(t -> (int) positive(Map.of("threads", t), "threads", 1))
                        .toList(),
                mixes,
                (int) positive(given, "seconds", 10),
                (int) positive(given, "warmup", 2),
                (int) positive(given, "rounds", 3),
                (int) positive(given, "rows", 10_000),
                List.of(given.getOrDefault("junction", DEFAULT_JUNCTION).split(";")),
                given.getOrDefault("consistency", "eventual"),
                pin,
                given.getOrDefault("out", "docs/scale-out.md"));
    }

    private static boolean onOrOff(String value) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("Invalid --pin " + value + ": expected on or off.");
        };
    }

    private static long positive(Map<String, String> given, String name, long fallback) {
        String text = given.get(name);
        long value;
        try {
            value = text == null ? fallback : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid --" + name + " " + text + ": expected a whole number.");
        }
        if (value <= 0) {
            throw new IllegalArgumentException("Invalid --" + name + " " + value + ": expected more than 0.");
        }
        return value;
    }

    /**
     * One {@code --junction} entry as URL parameters: {@code least-busy&primaryReads=weighted} becomes {@code
     * loadBalance=least-busy&primaryReads=weighted}.
     */
    static String urlParameters(String config) {
        List<String> parts = new ArrayList<>(List.of(config.split("&")));
        String balance = parts.remove(0);
        if (balance.isBlank() || balance.contains("=")) {
            throw new IllegalArgumentException(
                    "Invalid --junction entry " + config + ": expected <loadBalance>[&property=value...].");
        }
        parts.add(0, "loadBalance=" + balance);
        return String.join("&", parts);
    }
}
