package dev.junction.benchmarks.endtoend;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Draws the end-to-end results as a PNG: one group of horizontal bars per workload and thread count, each
 * bar a candidate's median latency relative to its {@link Comparison}'s baseline (1.0 = no overhead): with
 * {@code --method pairs} the raw driver it alternated with, with {@code --method all} the raw driver to the
 * primary. A thin black whisker over each bar spans the ratio's 95 % confidence interval
 * ({@link Comparison#ratioInterval()}). Drawn with plain AWT in headless mode so no charting library is needed.
 */
final class ResultChart {
    private static final int WIDTH = 1100;
    private static final int BAR = 16;
    private static final int LABEL_WIDTH = 330;
    private static final int WHISKER_TICK = 4;
    private static final Color[] PALETTE = {
        new Color(0x4C72B0),
        new Color(0x8C8C8C),
        new Color(0x55A868),
        new Color(0xC44E52),
        new Color(0x8172B2),
        new Color(0xCCB974),
        new Color(0x64B5CD),
        new Color(0xDD8452),
        new Color(0x937860)
    };

    private ResultChart() {}

    static void write(List<Comparison> results, Interleaving method, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<Comparison>> groups = new LinkedHashMap<>();
        for (Comparison comparison : results) {
            PairedRun.CandidateResult r = comparison.candidate();
            groups.computeIfAbsent(
                            r.database() + ", " + r.workload().label() + ", " + r.threads() + " thread"
                                    + (r.threads() == 1 ? "" : "s"),
                            k -> new ArrayList<>())
                    .add(comparison);
        }
        List<String> candidates =
                results.stream().map(c -> c.candidate().candidate()).distinct().toList();
        double maxRatio = Math.max(
                1.0,
                results.stream()
                        .mapToDouble(c -> Math.max(
                                c.ratio(),
                                c.ratioInterval().map(Comparison.Interval::high).orElse(0.0)))
                        .max()
                        .orElse(1.0));
        int height = 60
                + groups.values().stream()
                        .mapToInt(g -> 28 + g.size() * (BAR + 4))
                        .sum()
                + 20;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(
                method == Interleaving.PAIRS
                        ? "Median latency relative to what it is paired with (raw primary, raw standby for replica reads, or --against; 1.0 = equal)"
                        : "Median latency relative to the raw driver on the primary (1.0 = no overhead; lower is better)",
                20,
                28);
        int plotLeft = LABEL_WIDTH + 20;
        int plotWidth = WIDTH - plotLeft - 160;
        double scale = plotWidth / (Math.ceil(maxRatio * 10) / 10.0);
        int y = 55;
        for (Map.Entry<String, List<Comparison>> group : groups.entrySet()) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.setColor(Color.BLACK);
            g.drawString(group.getKey(), 20, y + 14);
            y += 22;
            for (Comparison comparison : group.getValue()) {
                PairedRun.CandidateResult r = comparison.candidate();
                double ratio = comparison.ratio();
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.setColor(Color.DARK_GRAY);
                g.drawString(r.candidate(), 30, y + BAR - 4);
                g.setColor(PALETTE[candidates.indexOf(r.candidate()) % PALETTE.length]);
                int barEnd = plotLeft + (int) Math.round(ratio * scale);
                g.fillRect(plotLeft, y, barEnd - plotLeft, BAR);
                g.setColor(Color.BLACK);
                int labelLeft = barEnd;
                Optional<Comparison.Interval> interval = comparison.ratioInterval();
                if (interval.isPresent()) {
                    int low = plotLeft + (int) Math.round(interval.get().low() * scale);
                    int high = plotLeft + (int) Math.round(interval.get().high() * scale);
                    drawWhisker(g, low, high, y + BAR / 2);
                    labelLeft = Math.max(barEnd, high);
                }
                g.drawString(
                        method == Interleaving.PAIRS
                                ? String.format(
                                        Locale.ROOT,
                                        "%.3f  (%.0f vs %.0f µs)",
                                        ratio,
                                        r.medianMicros(),
                                        comparison.baseline().medianMicros())
                                : String.format(Locale.ROOT, "%.3f  (%.0f µs)", ratio, r.medianMicros()),
                        labelLeft + 6,
                        y + BAR - 4);
                y += BAR + 4;
            }
            g.setColor(Color.GRAY);
            g.setStroke(
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            int one = plotLeft + (int) Math.round(scale);
            g.drawLine(one, y - group.getValue().size() * (BAR + 4) - 2, one, y);
            g.setStroke(new BasicStroke());
            y += 6;
        }
        g.dispose();
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static void drawWhisker(Graphics2D g, int low, int high, int centre) {
        g.drawLine(low, centre, high, centre);
        g.drawLine(low, centre - WHISKER_TICK, low, centre + WHISKER_TICK);
        g.drawLine(high, centre - WHISKER_TICK, high, centre + WHISKER_TICK);
    }
}
