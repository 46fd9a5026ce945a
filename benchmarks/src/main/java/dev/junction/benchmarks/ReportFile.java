package dev.junction.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code docs/benchmarks.md}, written by two programs (the JMH micro suite and the end-to-end benchmark): each
 * replaces only its own section, between HTML comment markers, so that running one does not erase the other's
 * results. Sections appear in a fixed order: micro first, then end-to-end.
 */
public final class ReportFile {
    /** The micro-benchmark section, written by {@link MicroSuite}. */
    public static final String MICRO = "micro";
    /** The end-to-end section, written by the end-to-end benchmark. */
    public static final String END_TO_END = "endtoend";

    private ReportFile() {}

    /** Replaces section {@code name} of {@code file} with {@code markdown}, keeping the other section. */
    public static void replaceSection(Path file, String name, String markdown) throws IOException {
        Map<String, String> sections = new LinkedHashMap<>();
        sections.put(MICRO, "");
        sections.put(END_TO_END, "");
        if (Files.exists(file)) {
            String existing = Files.readString(file);
            for (String section : sections.keySet()) {
                String start = start(section);
                String end = end(section);
                int from = existing.indexOf(start);
                int to = existing.indexOf(end);
                if (from >= 0 && to > from) {
                    sections.put(
                            section,
                            existing.substring(from + start.length(), to).strip());
                }
            }
        }
        sections.put(name, markdown.strip());
        StringBuilder out = new StringBuilder("# Benchmark results\n\nWritten by `junction bench` (see the README's"
                + " \"Performance\" section for the commands and what each number means).\n");
        for (Map.Entry<String, String> section : sections.entrySet()) {
            if (!section.getValue().isEmpty()) {
                out.append('\n')
                        .append(start(section.getKey()))
                        .append('\n')
                        .append(section.getValue())
                        .append('\n')
                        .append(end(section.getKey()))
                        .append('\n');
            }
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, out.toString());
    }

    private static String start(String section) {
        return "<!-- " + section + ":start -->";
    }

    private static String end(String section) {
        return "<!-- " + section + ":end -->";
    }
}
