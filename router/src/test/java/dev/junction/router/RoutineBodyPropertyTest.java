package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link RoutineBody} over generated MySQL function bodies: declarations, then safe statements in
 * random order, with random comments, whitespace, case, identifier quoting and nasty string
 * content ({@link DecoratedSql}). One writing statement anywhere, bare or nested in a compound
 * statement or a handler, makes the body {@code mayWrite}; safe statements alone never do.
 */
class RoutineBodyPropertyTest {

    private static final List<String> DECLARATIONS = List.of(
            "DECLARE x , y INT DEFAULT 0",
            "DECLARE s VARCHAR ( 20 ) DEFAULT 'S'",
            "DECLARE d DECIMAL ( 10 , 2 )",
            "DECLARE done INT DEFAULT FALSE",
            "DECLARE c CURSOR FOR SELECT a FROM t WHERE b = 'S'",
            "DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE");

    private static final List<String> SAFE = List.of(
            "SET x = x + 1",
            "SET s = concat ( s , 'S' )",
            "SET y = ( SELECT count ( * ) FROM t WHERE a = x )",
            "SELECT count ( * ) INTO x FROM t WHERE a = 'S'",
            "SELECT a , b INTO x , y FROM t WHERE c = x LIMIT 1",
            "IF x > 0 THEN SET y = 1 ; ELSEIF x < 0 THEN SET y = 2 ; ELSE SET y = 3 ; END IF",
            "WHILE x < 10 DO SET x = x + 1 ; END WHILE",
            "REPEAT SET x = x - 1 ; UNTIL x <= 0 END REPEAT",
            "lbl : LOOP SET x = x + 1 ; IF x > 3 THEN LEAVE lbl ; END IF ; END LOOP lbl",
            "CASE x WHEN 1 THEN SET y = 1 ; ELSE SET y = 0 ; END CASE",
            "SET y = CASE WHEN x > 1 THEN 1 ELSE 0 END",
            "SET s = IF ( x > 0 , 'S' , 'S' )",
            "SET s = REPLACE ( s , 'S' , 'S' )",
            "SET s = INSERT ( s , 1 , 2 , 'S' )",
            "SET d = TRUNCATE ( d , 1 )",
            "OPEN c ; FETCH c INTO x ; CLOSE c",
            "SET d = g_helper ( x , 'S' )",
            "SET x = ( SELECT max ( update ) FROM t WHERE select = 'S' )",
            "BEGIN SET x = 1 ; END",
            "SET s = 'S'",
            "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'S'",
            "SELECT sleep ( 0 ) INTO x",
            "SET x = ( SELECT a FROM t JOIN u ON u . id = t . id WHERE u . update = 1 )");

    private static final List<String> WRITERS = List.of(
            "INSERT INTO log VALUES ( x )",
            "INSERT log VALUES ( x )",
            "UPDATE t SET a = 1 WHERE b = x",
            "DELETE FROM t WHERE a = x",
            "REPLACE INTO t VALUES ( 1 )",
            "TRUNCATE TABLE t",
            "CREATE TABLE z ( a INT )",
            "DROP TABLE t",
            "ALTER TABLE t ADD c INT",
            "CALL p ( x )",
            "PREPARE st FROM 'S'",
            "EXECUTE st",
            "DEALLOCATE PREPARE st",
            "DO sleep ( 1 )",
            "LOCK TABLES t READ",
            "UNLOCK TABLES",
            "HANDLER t OPEN",
            "GRANT SELECT ON t TO u",
            "REVOKE SELECT ON t FROM u",
            "FLUSH TABLES",
            "KILL 1",
            "PURGE BINARY LOGS BEFORE now ( )",
            "CHANGE MASTER TO MASTER_HOST = 'S'",
            "RESET QUERY CACHE",
            "INSTALL PLUGIN p SONAME 'S'",
            "SET GLOBAL max_connections = 1",
            "SET @@global.max_connections = 1",
            "SET @u = 1",
            "SET x = 1 , @u = 2",
            "SET SESSION sql_mode = 'S'",
            "SET @@session.sql_mode = 'S'",
            "SET sql_mode = 'S'",
            "SELECT a INTO OUTFILE 'S' FROM t",
            "SELECT a INTO DUMPFILE 'S' FROM t",
            "SELECT a INTO x FROM t WHERE b = 1 FOR UPDATE",
            "SELECT a INTO x FROM t LOCK IN SHARE MODE",
            "SELECT a INTO @v FROM t",
            "SELECT @v := 1 INTO x",
            "SET x = GET_LOCK ( 'S' , 1 )",
            "SET x = RELEASE_LOCK ( 'S' )",
            "SET x = NEXTVAL ( sq )",
            "SET x = NEXT VALUE FOR sq",
            "SET x = SETVAL ( sq , 1 )",
            "SET x = LAST_INSERT_ID ( 5 )",
            "SET x = CONNECTION_ID ( )",
            "LOAD DATA INFILE 'S' INTO TABLE t",
            "START TRANSACTION",
            "COMMIT",
            "ROLLBACK");

    /** Where the writer goes: {@code {W}} stands for it. */
    private static final List<String> WRAPPERS = List.of(
            "{W}",
            "IF x > 0 THEN {W} ; END IF",
            "IF x > 0 THEN SET y = 1 ; ELSE {W} ; END IF",
            "WHILE x < 1 DO {W} ; END WHILE",
            "REPEAT {W} ; UNTIL x > 0 END REPEAT",
            "BEGIN {W} ; END",
            "lbl2 : LOOP {W} ; LEAVE lbl2 ; END LOOP lbl2",
            "CASE WHEN x = 1 THEN {W} ; END CASE",
            "HANDLER");

    @Property(tries = 2000)
    void reportsAnyBodyWithAWritingStatementAsMayWrite(
            @ForAll("safeStatements") List<String> safe,
            @ForAll("writers") String writer,
            @ForAll("wrappers") String wrapper,
            @ForAll("positions") int position,
            @ForAll long seed) {
        List<String> declarations = new ArrayList<>(DECLARATIONS);
        List<String> statements = new ArrayList<>(safe);
        if (wrapper.equals("HANDLER")) {
            declarations.add("DECLARE EXIT HANDLER FOR SQLEXCEPTION , SQLSTATE '23000' " + writer);
        } else {
            statements.add(Math.min(position, statements.size()), wrapper.replace("{W}", writer));
        }
        String body = DecoratedSql.render(template(declarations, statements), Dialect.MYSQL, seed);
        RoutineBody analysed = RoutineBody.analyze(Dialect.MYSQL, body);
        assertThat(analysed.mayWrite()).as("%s -> %s", body, analysed).isTrue();
    }

    @Property(tries = 1000)
    void neverReportsABodyOfSafeStatementsAsMayWrite(@ForAll("safeStatements") List<String> safe, @ForAll long seed) {
        String body = DecoratedSql.render(template(DECLARATIONS, safe), Dialect.MYSQL, seed);
        RoutineBody analysed = RoutineBody.analyze(Dialect.MYSQL, body);
        assertThat(analysed.mayWrite()).as("%s -> %s", body, analysed).isFalse();
        assertThat(analysed.userFunctions()).as(body).isSubsetOf("g_helper");
        assertThat(analysed.tablesRead()).as(body).isSubsetOf("t", "u");
    }

    @Property(tries = 300)
    void readsASingleReturnOfSafeExpressions(@ForAll("expressions") String expression, @ForAll long seed) {
        String body = DecoratedSql.render("RETURN " + expression, Dialect.MYSQL, seed);
        assertThat(RoutineBody.analyze(Dialect.MYSQL, body).mayWrite()).as(body).isFalse();
    }

    private static String template(List<String> declarations, List<String> statements) {
        List<String> all = new ArrayList<>(declarations);
        all.addAll(statements);
        all.add("RETURN x");
        return "BEGIN " + String.join(" ; ", all) + " ; END";
    }

    @Provide
    Arbitrary<List<String>> safeStatements() {
        return Arbitraries.of(SAFE).list().ofMinSize(0).ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> writers() {
        return Arbitraries.of(WRITERS);
    }

    @Provide
    Arbitrary<String> wrappers() {
        return Arbitraries.of(WRAPPERS);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 8);
    }

    @Provide
    Arbitrary<String> expressions() {
        return Combinators.combine(
                        Arbitraries.of(
                                "a",
                                "concat ( 'S' , 'S' )",
                                "( SELECT count ( * ) FROM t )",
                                "1 + 2",
                                "CASE WHEN a THEN 'S' END",
                                "IF ( a , 1 , 2 )",
                                "g_helper ( 'S' )"),
                        Arbitraries.of(" + ", " , ", " AND "))
                .as((e, op) -> e.equals("a") ? "1" : e);
    }
}
