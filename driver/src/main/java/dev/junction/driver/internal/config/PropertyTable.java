package dev.junction.driver.internal.config;

import dev.junction.driver.JunctionProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes the README's property table from {@link JunctionProperty#all()}, between the markers
 * {@value #START} and {@value #END}. Run it after changing a property:
 * <pre>mvn -q -o -pl driver compile exec:java -Dexec.mainClass=dev.junction.driver.internal.config.PropertyTable -Dexec.args=README.md</pre>
 * or, without the exec plugin, {@code java -cp driver/target/classes:router/target/classes dev.junction.driver.internal.config.PropertyTable README.md}.
 * {@code PropertyTableTest} fails while the committed table differs from what this prints.
 */
public final class PropertyTable {
    public static final String START = "<!-- properties:start -->";
    public static final String END = "<!-- properties:end -->";

    private PropertyTable() {}

    /** The Markdown table, one row per property, in registry order. */
    public static String markdown() {
        StringBuilder table = new StringBuilder();
        table.append("| name | values | default | meaning |\n");
        table.append("|---|---|---|---|\n");
        for (JunctionProperty<?> property : JunctionProperty.all()) {
            table.append("| `")
                    .append(property.name())
                    .append("` | ")
                    .append(property.valuesText())
                    .append(" | ")
                    .append(defaultText(property))
                    .append(" | ")
                    .append(property.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static <T> String defaultText(JunctionProperty<T> property) {
        String text = property.format(property.defaultValue());
        return text.isEmpty() ? "(none)" : "`" + text + "`";
    }

    /** {@code readme} with the text between the markers replaced by the current table. */
    public static String rewrite(String readme) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("README lacks the markers " + START + " and " + END);
        }
        return readme.substring(0, start + START.length()) + "\n" + markdown() + readme.substring(end);
    }

    /** The text between the markers, as committed. */
    public static String committed(String readme) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("README lacks the markers " + START + " and " + END);
        }
        return readme.substring(start + START.length() + 1, end);
    }

    public static void main(String[] args) throws IOException {
        Path readme = Paths.get(args.length > 0 ? args[0] : "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        Files.writeString(readme, rewrite(text), StandardCharsets.UTF_8);
        System.out.println("Wrote " + JunctionProperty.all().size() + " properties to " + readme);
    }
}
