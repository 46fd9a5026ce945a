package dev.junction.cli;

import dev.junction.driver.internal.config.CredentialMask;
import dev.junction.driver.reconcile.ConflictTableSetup;
import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code junction conflict-tables <url> [--tables a,b] [--check]}: makes tables ready to be {@code conflictTables}
 * on every master ({@link ConflictTableSetup}): the metadata columns they lack, the guard triggers, and what the
 * servers' settings lack. {@code --check} prints what it would run and changes nothing (exit code 2 when something is
 * missing). The password comes from {@code JUNCTION_PASSWORD} or {@code --password} and is never printed.
 */
@Command(
        name = "conflict-tables",
        mixinStandardHelpOptions = true,
        description = "Add the metadata columns (_hlc, _origin, _deleted) and install the guard triggers that"
                + " multi-master conflict tables need, on every master; --check only reports.")
final class ConflictTablesCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "URL",
            description = "A Junction URL over every master, e.g."
                    + " jdbc:junction:mariadb://m1:3306,m2:3306/app?conflictTables=model_versions")
    private String url;

    @Option(names = "--tables", split = ",", description = "Tables to prepare (default: the URL's conflictTables).")
    private List<String> tables;

    @Option(names = "--check", description = "Report what is missing; change nothing.")
    private boolean check;

    @Mixin
    private DatabaseLogin login = new DatabaseLogin();

    private final PrintStream out;
    private final PrintStream err;

    ConflictTablesCommand() {
        this(System.out, System.err);
    }

    /** With streams of the caller's: for tests. */
    ConflictTablesCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Properties properties = login.properties();
        boolean missing = false;
        try (ConflictTableSetup setup = ConflictTableSetup.open(url, properties)) {
            List<String> names = tables != null && !tables.isEmpty() ? tables : setup.conflictTables();
            if (names.isEmpty()) {
                err.println("junction conflict-tables: no tables: name them with --tables, or give the URL"
                        + " conflictTables");
                return 1;
            }
            out.println((check ? "Checking " : "Preparing ") + String.join(", ", names) + " on "
                    + CredentialMask.url(url).replaceFirst("\\?.*", ""));
            for (String table : names) {
                ConflictTableSetup.TableSetup result = setup.prepare(table, !check);
                missing |= !result.ready();
                for (ConflictTableSetup.MasterSetup master : result.masters()) {
                    out.println(table + " on " + master.master() + ": "
                            + (master.statements().isEmpty()
                                    ? "ready"
                                    : (check ? "would run " : "ran ")
                                            + master.statements().size() + " statement(s)"));
                    master.statements().forEach(sql -> out.println("    " + sql.replace("\n", "\n    ") + ";"));
                    master.notes().forEach(note -> out.println("  note: " + note));
                }
            }
        } catch (SQLException e) {
            err.println("junction conflict-tables: " + e.getMessage()
                    + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"));
            return 1;
        }
        return check && missing ? 2 : 0;
    }
}
