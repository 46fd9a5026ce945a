package dev.junction.router;

import dev.junction.router.internal.RoutineBodyAnalyzer;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the body of a MySQL/MariaDB stored function does, read from its text, for a {@link
 * FunctionCatalog} that does not want to trust the declared {@code SQL DATA ACCESS}
 * characteristic (which MySQL never enforces: a function declared {@code READS SQL DATA} may
 * write). The driver reads the body from {@code information_schema.ROUTINES.ROUTINE_DEFINITION},
 * e.g. {@code BEGIN DECLARE x INT; SELECT count(*) INTO x FROM t WHERE a = p; IF x > 0 THEN
 * RETURN g(x); END IF; RETURN 0; END} or a single {@code RETURN expr}, analyses it, and checks
 * {@link #userFunctions()} recursively (and the views among {@link #tablesRead()}).
 *
 * <p>Pure and cheap: one tokenizer pass and two linear scans, no parser, no I/O.
 *
 * <h2>What counts as possibly writing</h2>
 *
 * Conservative: when in doubt, {@link #mayWrite()}. It is true when the body contains
 *
 * <ul>
 *   <li>data changes: {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code REPLACE}, {@code
 *       MERGE}, {@code UPSERT}, {@code TRUNCATE} wherever they appear (not the functions {@code
 *       INSERT()}, {@code REPLACE()}, {@code TRUNCATE()}), {@code LOAD DATA};
 *   <li>any statement outside the allowlist below: DDL, {@code CALL}, dynamic SQL ({@code
 *       PREPARE}, {@code EXECUTE}, {@code DEALLOCATE}), {@code DO}, {@code LOCK}/{@code UNLOCK},
 *       {@code HANDLER}, {@code GRANT}/{@code REVOKE}, {@code FLUSH}, {@code KILL}, {@code PURGE},
 *       {@code CHANGE}, {@code RESET}, {@code INSTALL}, transaction control, {@code SHOW}...;
 *   <li>a {@code SET} of anything but a local variable or parameter: {@code SET GLOBAL}, {@code
 *       SET @@global.x}, {@code SET SESSION}/{@code @@x} (session state), {@code SET @user_var}
 *       (state on the node), {@code SET NAMES}..., and {@code @user_var := ...};
 *   <li>{@code SELECT ... INTO OUTFILE/DUMPFILE}, or {@code INTO} anything but local variables;
 *       locking reads ({@code FOR UPDATE/SHARE}, {@code LOCK IN SHARE MODE});
 *   <li>side-effect built-ins ({@code GET_LOCK}, {@code RELEASE_LOCK}, {@code NEXTVAL}, {@code
 *       SETVAL}, {@code NEXT VALUE FOR}, {@code LAST_INSERT_ID}, {@code FOUND_ROWS}...), and
 *       anything whose answer depends on the node (node-specific built-ins such as {@code
 *       CONNECTION_ID()}, variables such as {@code @@server_id}, {@code performance_schema}
 *       tables): a function that answered differently on a replica would make a replica read
 *       differ from the primary's;
 *   <li>what cannot be checked: an unterminated string or comment, unbalanced parentheses,
 *       compound statements that do not close, version-gated {@code /*!NNNNN ... * /} or MariaDB
 *       {@code /*M! ... * /} comments.
 * </ul>
 *
 * Fine: {@code DECLARE} (variables, cursors, conditions, handlers, whose statement is checked like
 * any other), {@code SET local = ...}, {@code SELECT ... INTO local}, {@code IF}, {@code CASE},
 * {@code LOOP}, {@code WHILE}, {@code REPEAT}, MariaDB {@code FOR}, {@code LEAVE}, {@code
 * ITERATE}, {@code RETURN}, {@code OPEN}, {@code FETCH ... INTO local}, {@code CLOSE}, {@code
 * SIGNAL}, {@code RESIGNAL}, {@code GET DIAGNOSTICS}, labels, read-only built-ins ({@code SLEEP}
 * included). Calls to other user functions do not make the body writing by themselves: they are
 * listed for the caller to check.
 *
 * <p>Parameters are not part of {@code ROUTINE_DEFINITION}; a body that assigns one ({@code SET p =
 * ...}, {@code SELECT ... INTO p}) counts as writing unless the parameter names are passed to
 * {@link #analyze(Dialect, String, Collection)} (from {@code information_schema.PARAMETERS}).
 *
 * <p>PostgreSQL bodies are tokenized as PostgreSQL but judged by the same rules, which PL/pgSQL
 * ({@code :=}, {@code PERFORM}, {@code RAISE}) fails: use {@code pg_proc.provolatile} there.
 */
public final class RoutineBody {

    private final boolean mayWrite;
    private final String mayWriteReason;
    private final Set<String> userFunctions;
    private final Set<String> tablesRead;

    private RoutineBody(RoutineBodyAnalyzer.Result r) {
        this.mayWrite = r.mayWrite();
        this.mayWriteReason = r.reason();
        this.userFunctions = freeze(r.userFunctions());
        this.tablesRead = freeze(r.tablesRead());
    }

    private static Set<String> freeze(Set<String> s) {
        return s.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(s));
    }

    /** Analyses a routine body whose parameters, if any, it never assigns. */
    public static RoutineBody analyze(Dialect dialect, String body) {
        return analyze(dialect, body, List.of());
    }

    /**
     * Analyses a routine body.
     *
     * @param parameters the routine's parameter names (any case): assigning them is fine
     */
    public static RoutineBody analyze(Dialect dialect, String body, Collection<String> parameters) {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(parameters, "parameters");
        return new RoutineBody(RoutineBodyAnalyzer.analyze(dialect, body, parameters));
    }

    /**
     * The body may change data or server or session state, depends on the node, or could not be
     * checked: a function with this body must not run on a replica. See the class description.
     */
    public boolean mayWrite() {
        return mayWrite;
    }

    /**
     * The first thing found that makes {@link #mayWrite()} true, for logs and error messages (e.g.
     * {@code "INSERT"}, {@code "user variable @x"}); {@code null} when it is false.
     */
    public String mayWriteReason() {
        return mayWriteReason;
    }

    /** Every non-built-in function the body calls, lower case, {@code schema.name} when qualified. */
    public Set<String> userFunctions() {
        return userFunctions;
    }

    /** Tables and views the body reads, named as in {@link Classification#tablesRead()}. */
    public Set<String> tablesRead() {
        return tablesRead;
    }

    @Override
    public String toString() {
        return "RoutineBody[" + (mayWrite ? "mayWrite: " + mayWriteReason : "read-only")
                + (userFunctions.isEmpty() ? "" : " calls=" + userFunctions)
                + (tablesRead.isEmpty() ? "" : " reads=" + tablesRead) + "]";
    }
}
