package dev.junction.benchmarks.scale;

import dev.junction.benchmarks.scale.ReadScaleOutBenchmark.Candidate;
import dev.junction.benchmarks.scale.ReadScaleOutBenchmark.RunResult;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Grouped bars of each Junction configuration's median throughput over the raw driver's on the primary, one group per
 * mix and thread count, with the 1.0 line (the primary alone), 2.0 and 3.0 (two and three nodes fully used).
 */
final class ScaleChart {
    private static final Color[] PALETTE = {
        new Color(0x4C78A8),
        new Color(0xF58518),
        new Color(0x54A24B),
        new Color(0xE45756),
        new Color(0x72B7B2),
        new Color(0xB279A2),
        new Color(0xEECA3B),
        new Color(0x9D755D)
    };

    private ScaleChart() {}

    static void write(
            Path png,
            ScaleOptions options,
            List<Candidate> candidates,
            Map<String, List<RunResult>> results,
            String cap)
            throws IOException {
        List<Candidate> junction = candidates.subList(1, candidates.size());
        int groups = options.mixes().size() * options.threads().size();
        int barWidth = 26;
        int groupWidth = junction.size() * barWidth + 40;
        int left = 60;
        int top = 70;
        int plotHeight = 300;
        int width = left + groups * groupWidth + 20;
        int height = top + plotHeight + 60 + 18 * junction.size();
        // The axis reaches past the highest bar: a bar cut at a fixed top hides the very results worth seeing.
        double max = 1.0;
        for (String mix : options.mixes()) {
            for (int threads : options.threads()) {
                double raw = ScaleReport.median(
                        results.get(ReadScaleOutBenchmark.key(mix, threads, ReadScaleOutBenchmark.RAW)));
                for (Candidate candidate : junction) {
                    max = Math.max(
                            max,
                            ScaleReport.median(results.get(ReadScaleOutBenchmark.key(mix, threads, candidate.name())))
                                    / raw);
                }
            }
        }
        max = Math.ceil(max * 1.1 / 0.5) * 0.5;
        BufferedImage image = new BufferedImage(Math.max(width, 640), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Read throughput / raw driver on the primary", left, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("PostgreSQL primary + 2 standbys, each capped to " + cap, left, 36);
        g.drawString(
                options.pin()
                        ? "Every server process on CPU 0, the client on CPU 1"
                        : "The client and the servers share the CPUs",
                left,
                50);
        for (double line = 0; line <= max; line += 0.5) {
            int y = top + plotHeight - (int) (line / max * plotHeight);
            g.setColor(line % 1 == 0 ? Color.GRAY : new Color(0xDDDDDD));
            g.drawLine(left, y, image.getWidth() - 20, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.1f", line), 20, y + 4);
        }
        int group = 0;
        for (String mix : options.mixes()) {
            for (int threads : options.threads()) {
                int x0 = left + group * groupWidth + 20;
                double raw = ScaleReport.median(
                        results.get(ReadScaleOutBenchmark.key(mix, threads, ReadScaleOutBenchmark.RAW)));
                for (int i = 0; i < junction.size(); i++) {
                    double ratio = ScaleReport.median(results.get(ReadScaleOutBenchmark.key(
                                    mix, threads, junction.get(i).name())))
                            / raw;
                    int h = (int) (Math.min(ratio, max) / max * plotHeight);
                    g.setColor(PALETTE[i % PALETTE.length]);
                    g.fillRect(x0 + i * barWidth, top + plotHeight - h, barWidth - 4, h);
                    g.setColor(Color.BLACK);
                    g.drawString(
                            String.format(Locale.ROOT, "%.2f", ratio), x0 + i * barWidth - 2, top + plotHeight - h - 4);
                }
                g.drawString(mix + ", " + threads + " threads", x0, top + plotHeight + 16);
                group++;
            }
        }
        for (int i = 0; i < junction.size(); i++) {
            int y = top + plotHeight + 36 + 18 * i;
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(left, y - 10, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(junction.get(i).name(), left + 18, y);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }
}
