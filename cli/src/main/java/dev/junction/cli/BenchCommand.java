package dev.junction.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code junction bench}: runs the benchmark suite of the {@code benchmarks} module and writes its results:
 * the JMH micro-benchmarks (wrapper overhead against an in-memory backend, routing decision, classification)
 * to {@code docs/benchmarks-jmh.json}, the end-to-end comparison against local clusters to
 * {@code docs/benchmarks.json} and {@code .png}, and both as tables in {@code docs/benchmarks.md}.
 *
 * <p>The CLI does not depend on the benchmarks module (nothing does): it runs
 * {@code benchmarks/target/junction-benchmarks.jar} in child JVMs, building it with Maven first when it is
 * missing, so it must run from a checkout of the repository.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Run the benchmarks (JMH micro suite, then end to end against local clusters) and write docs/benchmarks.*.")
final class BenchCommand implements Callable<Integer> {
    static final String JAR = "benchmarks/target/junction-benchmarks.jar";
    static final String MICRO_BENCHMARKS = "WrapperOverheadBenchmark|RoutingDecisionBenchmark|ClassificationBenchmark";

    @Option(
            names = "--suite",
            defaultValue = "all",
            description = "all, micro, endtoend, or scale: read throughput with each server capped to --cap of a"
                    + " CPU, written to docs/scale-out.md (as root; not part of all) (default: ${DEFAULT-VALUE}).")
    private String suite;

    @Option(
            names = "--cap",
            defaultValue = "0.2",
            description = "Scale: each node's share of one CPU (default: ${DEFAULT-VALUE}).")
    private String cap;

    @Option(
            names = "--cap-period-us",
            defaultValue = "100000",
            description = "Scale: the CFS period in µs over which each node's share is enforced; the kernel's default"
                    + " 100000 stalls a node that used its share for the rest of the period, 10000 spreads it"
                    + " (default: ${DEFAULT-VALUE}).")
    private String capPeriodMicros;

    @Option(
            names = "--pin",
            defaultValue = "on",
            description = "Scale: on runs every server on CPU 0 and the benchmark on CPU 1, so that the caps and not"
                    + " the client bound throughput; off shares both CPUs (needed for --cap above 1/3)"
                    + " (default: ${DEFAULT-VALUE}).")
    private String pin;

    @Option(
            names = "--database",
            defaultValue = "both",
            description = "End to end: postgresql, mariadb or both (default: ${DEFAULT-VALUE}).")
    private String database;

    @Option(
            names = "--method",
            defaultValue = "pairs",
            description =
                    "End to end: pairs (each candidate alternated with its own raw baseline) or all (every candidate"
                            + " of a database interleaved in one run) (default: ${DEFAULT-VALUE}).")
    private String method;

    @Option(
            names = "--rounds",
            defaultValue = "20000",
            description =
                    "End to end: interleaved rounds per workload (with pairs, per pair) at 1 thread (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(
            names = "--threads",
            defaultValue = "1,8",
            description = "End to end: thread counts (default: ${DEFAULT-VALUE}).")
    private String threads;

    @Option(
            names = "--jmh",
            defaultValue = "-f 1 -wi 10 -i 5 -w 1s -r 1s",
            description =
                    "JMH options for the micro suite (default: ${DEFAULT-VALUE}); Calcite needs about 10 warm-up seconds.")
    private String jmhOptions;

    @Option(
            names = "--out",
            defaultValue = "docs/benchmarks.md",
            description = "Report file; .json and .png go next to it (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--rebuild", description = "Rebuild the benchmarks jar even if it exists.")
    private boolean rebuild;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!List.of("all", "micro", "endtoend", "scale").contains(suite)) {
            System.err.println("Invalid --suite " + suite + ": expected all, micro, endtoend or scale.");
            return 2;
        }
        if (!List.of("pairs", "all").contains(method)) {
            System.err.println("Invalid --method " + method + ": expected pairs or all.");
            return 2;
        }
        Path root = repositoryRoot(Path.of("").toAbsolutePath());
        if (root == null) {
            System.err.println(
                    "junction bench runs from a checkout of the Junction repository (no benchmarks/pom.xml above "
                            + Path.of("").toAbsolutePath() + ").");
            return 2;
        }
        if (rebuild || !Files.isRegularFile(root.resolve(JAR))) {
            int built = run(root, List.of("mvn", "-B", "-q", "-DskipTests", "-pl", "benchmarks", "-am", "package"));
            if (built != 0) {
                return built;
            }
        }
        if (suite.equals("scale")) {
            return run(root, scaleCommand());
        }
        if (!suite.equals("endtoend")) {
            int micro = run(root, microCommand());
            if (micro != 0) {
                return micro;
            }
        }
        if (!suite.equals("micro")) {
            return run(root, endToEndCommand());
        }
        return 0;
    }

    List<String> microCommand() {
        List<String> command = new ArrayList<>(
                List.of(java(), "-cp", JAR, "dev.junction.benchmarks.MicroSuite", "--report", out.toString()));
        command.addAll(Arrays.asList(jmhOptions.trim().split("\\s+")));
        command.addAll(List.of("-rf", "json", "-rff", sibling(".md", "-jmh.json"), MICRO_BENCHMARKS));
        return command;
    }

    List<String> scaleCommand() {
        return List.of(
                java(),
                "-cp",
                JAR,
                "dev.junction.benchmarks.scale.ReadScaleOutBenchmark",
                "--cap",
                cap,
                "--period-us",
                capPeriodMicros,
                "--pin",
                pin,
                "--out",
                "docs/scale-out.md");
    }

    List<String> endToEndCommand() {
        return List.of(
                java(),
                "-cp",
                JAR,
                "dev.junction.benchmarks.endtoend.EndToEndBenchmark",
                "--database",
                database,
                "--method",
                method,
                "--rounds",
                Integer.toString(rounds),
                "--threads",
                threads,
                "--out",
                out.toString());
    }

    private String sibling(String suffix, String replacement) {
        String name = out.toString();
        return (name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name) + replacement;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path repositoryRoot(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("benchmarks/pom.xml"))) {
                return dir;
            }
        }
        return null;
    }

    private static int run(Path root, List<String> command) throws IOException, InterruptedException {
        System.out.println("$ " + String.join(" ", command));
        return new ProcessBuilder(command)
                .directory(root.toFile())
                .inheritIO()
                .start()
                .waitFor();
    }
}
