package dev.junction.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH micro-benchmarks (any JMH command-line options, {@code -rf json -rff FILE} included) and renders
 * their results as a markdown section of the report file: every benchmark's score, and for
 * {@link WrapperOverheadBenchmark} the pairs side by side, Junction minus raw stub in ns and as a ratio.
 *
 * <p>Run: {@code java -cp benchmarks/target/junction-benchmarks.jar dev.junction.benchmarks.MicroSuite
 * --report docs/benchmarks.md -f 1 -wi 10 -i 5 -w 1s -r 1s -rf json -rff docs/benchmarks-jmh.json
 * 'WrapperOverheadBenchmark|RoutingDecisionBenchmark|ClassificationBenchmark'}
 */
public final class MicroSuite {
    private static final String WRAPPER = WrapperOverheadBenchmark.class.getSimpleName();

    private MicroSuite() {}

    public static void main(String[] args) throws Exception {
        Path report = null;
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--report")) {
                report = Path.of(args[++i]);
            } else {
                jmhArgs.add(args[i]);
            }
        }
        Collection<RunResult> results = new Runner(new CommandLineOptions(jmhArgs.toArray(String[]::new))).run();
        String markdown = render(results);
        System.out.println(markdown);
        if (report != null) {
            ReportFile.replaceSection(report, ReportFile.MICRO, markdown);
            System.out.println("Wrote " + report);
        }
    }

    static String render(Collection<RunResult> results) {
        StringBuilder md = new StringBuilder("## Micro-benchmarks (JMH)\n\n");
        md.append(pairs(results));
        md.append(
                "\n| benchmark | parameters | mode | score | ± error | p50 | p99 | unit |\n|---|---|---|---|---|---|---|---|\n");
        for (RunResult run : results) {
            Result<?> primary = run.getPrimaryResult();
            boolean sampled = run.getParams().getMode().shortLabel().equals("sample");
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %.3f | %.3f | %s | %s | %s |%n",
                    name(run),
                    parameters(run),
                    run.getParams().getMode().shortLabel(),
                    primary.getScore(),
                    primary.getScoreError(),
                    sampled
                            ? String.format(
                                    Locale.ROOT, "%.3f", primary.getStatistics().getPercentile(50))
                            : "",
                    sampled
                            ? String.format(
                                    Locale.ROOT, "%.3f", primary.getStatistics().getPercentile(99))
                            : "",
                    primary.getScoreUnit()));
        }
        md.append(String.format(
                Locale.ROOT,
                "%nMachine: %d CPUs, JDK %s; %s.%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                java.time.LocalDate.now()));
        return md.toString();
    }

    /** raw/junction pairs of the wrapper-overhead benchmark, keyed by operation and parameters. */
    private static String pairs(Collection<RunResult> results) {
        Map<String, double[]> pairs = new TreeMap<>();
        String unit = "ns/op";
        for (RunResult run : results) {
            String name = name(run);
            if (!name.startsWith(WRAPPER + ".")) {
                continue;
            }
            String method = name.substring(WRAPPER.length() + 1);
            boolean raw = method.startsWith("raw");
            String operation = method.substring(raw ? 3 : "junction".length());
            double[] pair = pairs.computeIfAbsent(operation + " | " + parameters(run), k -> new double[2]);
            pair[raw ? 0 : 1] = run.getPrimaryResult().getScore();
            unit = run.getPrimaryResult().getScoreUnit();
        }
        if (pairs.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("Wrapper overhead per statement (in-memory stub backend, same run):\n\n"
                + "| operation | parameters | raw stub " + unit + " | Junction " + unit + " | Δ " + unit
                + " | ratio |\n|---|---|---|---|---|---|\n");
        for (Map.Entry<String, double[]> pair : pairs.entrySet()) {
            double raw = pair.getValue()[0];
            double junction = pair.getValue()[1];
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %+.1f | %.2f |%n",
                    pair.getKey(),
                    raw,
                    junction,
                    junction - raw,
                    raw == 0 ? Double.NaN : junction / raw));
        }
        return md.toString();
    }

    private static String name(RunResult run) {
        String benchmark = run.getParams().getBenchmark();
        int method = benchmark.lastIndexOf('.');
        int type = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(type + 1);
    }

    private static String parameters(RunResult run) {
        StringBuilder text = new StringBuilder();
        for (String key : run.getParams().getParamsKeys()) {
            text.append(text.length() == 0 ? "" : ", ")
                    .append(key)
                    .append('=')
                    .append(run.getParams().getParam(key));
        }
        return text.toString();
    }
}
