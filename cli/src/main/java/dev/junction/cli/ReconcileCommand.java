package dev.junction.cli;

import dev.junction.driver.internal.config.CredentialMask;
import dev.junction.driver.reconcile.Reconciler;
import dev.junction.driver.reconcile.TableReport;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code junction reconcile <url> [--tables a,b] [--dry-run]}: anti-entropy across the masters of a multi-master
 * cluster ({@link Reconciler}). A progress bar on stderr while buckets are compared, a table of what was found and done
 * at the end. Exit code 0 when done (or, with {@code --dry-run}, when nothing differs), 1 on an error, 2 when a dry run
 * found work to do. The password comes from {@code JUNCTION_PASSWORD} or {@code --password} and is never printed.
 */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        description =
                "Bring the masters of a multi-master cluster to the same rows: compare bucketed digests, pick each"
                        + " differing key's winner by its stamp, write it where it is missing, log every decision in"
                        + " junction_conflict_log.")
final class ReconcileCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "URL",
            description = "A Junction URL over every master, e.g."
                    + " jdbc:junction:postgresql://m1:5432,m2:5432/app?conflictTables=model_versions")
    private String url;

    @Option(names = "--tables", split = ",", description = "Tables to reconcile (default: the URL's conflictTables).")
    private List<String> tables;

    @Option(names = "--dry-run", description = "Compare and report; change nothing.")
    private boolean dryRun;

    @Option(
            names = "--purge-tombstones",
            description = "After reconciling, remove the tombstones every master holds alike and older than the URL's"
                    + " tombstoneRetention (default 168h).")
    private boolean purgeTombstones;

    @Mixin
    private DatabaseLogin login = new DatabaseLogin();

    private final PrintStream out;
    private final PrintStream err;

    ReconcileCommand() {
        this(System.out, System.err);
    }

    /** With streams of the caller's: for tests. */
    ReconcileCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Properties properties = login.properties();
        List<TableReport> reports = new ArrayList<>();
        try (Reconciler reconciler = Reconciler.open(url, properties)) {
            List<String> names = tables != null && !tables.isEmpty() ? tables : reconciler.conflictTables();
            if (names.isEmpty()) {
                err.println("junction reconcile: no tables: name them with --tables, or give the URL conflictTables");
                return 1;
            }
            out.println((dryRun ? "Dry run over " : "Reconciling ")
                    + CredentialMask.url(url).replaceFirst("\\?.*", "") + ": masters "
                    + String.join(", ", reconciler.masters()));
            for (String table : names) {
                reports.add(reconciler.reconcile(table, dryRun, this::progress));
                err.print("\r\033[K");
            }
            if (purgeTombstones) {
                for (String table : names) {
                    int purged = reconciler.purgeTombstones(table, dryRun);
                    out.println(table + ": " + purged + " tombstone(s) held alike by every master and older than"
                            + " tombstoneRetention " + (dryRun ? "would be purged" : "purged"));
                }
            }
        } catch (SQLException e) {
            err.println("\njunction reconcile: " + e.getMessage()
                    + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"));
            return 1;
        }
        out.print(render(reports));
        boolean work = reports.stream().anyMatch(r -> !r.nothingToDo());
        out.println(
                !work
                        ? "The masters agree: nothing to do."
                        : dryRun ? "Dry run: nothing was changed." : "Done: the masters now hold the winners.");
        return dryRun && work ? 2 : 0;
    }

    /** A progress bar on stderr, overwritten in place. */
    private void progress(String table, int done, int total) {
        int width = 30;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        err.printf(
                Locale.ROOT,
                "\r%s [%s%s] %d/%d differing buckets read",
                table,
                "#".repeat(filled),
                " ".repeat(width - filled),
                done,
                total);
        err.flush();
    }

    static String render(List<TableReport> reports) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {
            "table",
            "rows",
            "buckets",
            "apart",
            "keys decided",
            reports.stream().anyMatch(TableReport::dryRun) ? "repairs (not made)" : "repairs made",
            "refused",
            "time"
        });
        for (TableReport report : reports) {
            rows.add(new String[] {
                report.table(),
                Long.toString(report.rows()),
                Integer.toString(report.buckets()),
                Integer.toString(report.bucketsApart()),
                Integer.toString(report.keysDecided()),
                Integer.toString(report.repairs()),
                Integer.toString(report.keysRefused()),
                report.took().toMillis() + " ms"
            });
        }
        return new TextTable(rows).render();
    }
}
