package dev.junction.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutineBodyTest {

    private static RoutineBody body(String text) {
        return RoutineBody.analyze(Dialect.MYSQL, text);
    }

    @Test
    void readsTheExampleBodyAsReadOnlyAndListsItsCallsAndTables() {
        RoutineBody b = body(
                "BEGIN DECLARE x INT; SELECT count(*) INTO x FROM t WHERE a = 1; IF x > 0 THEN RETURN g(x); END IF; RETURN 0; END");
        assertThat(b.mayWrite()).as(b.toString()).isFalse();
        assertThat(b.mayWriteReason()).isNull();
        assertThat(b.userFunctions()).containsExactly("g");
        assertThat(b.tablesRead()).containsExactly("t");
    }

    @Test
    void readsASingleReturnExpression() {
        RoutineBody b = body("RETURN (SELECT max(price) FROM Shop.Items WHERE id = lookup.id_of(1)) * 2");
        assertThat(b.mayWrite()).isFalse();
        assertThat(b.userFunctions()).containsExactly("lookup.id_of");
        assertThat(b.tablesRead()).containsExactly("Shop.Items");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "BEGIN DECLARE a, b INT DEFAULT 0; DECLARE d DECIMAL(10, 2); SET a = 1, b := a + 1; SET d = a / b; RETURN d; END",
                "BEGIN DECLARE done INT DEFAULT FALSE; DECLARE v INT; DECLARE c CURSOR FOR SELECT a FROM t; "
                        + "DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE; OPEN c; read_loop: LOOP FETCH c INTO v; "
                        + "IF done THEN LEAVE read_loop; END IF; END LOOP read_loop; CLOSE c; RETURN v; END",
                "BEGIN DECLARE x INT DEFAULT 0; WHILE x < 10 DO SET x = x + 1; END WHILE; REPEAT SET x = x - 1; UNTIL x <= 0 END REPEAT; RETURN x; END",
                "BEGIN DECLARE y VARCHAR(10); CASE WHEN 1 = 1 THEN SET y = 'a'; WHEN 2 = 2 THEN SET y = 'b'; ELSE SET y = 'c'; END CASE; RETURN y; END",
                "BEGIN DECLARE y INT; SET y = CASE WHEN 1 THEN 2 ELSE 3 END; IF y > 1 THEN SET y = IF(y > 2, 1, 0); ELSEIF y < 0 THEN SET y = 0; ELSE BEGIN END; END IF; RETURN y; END",
                "BEGIN DECLARE s TEXT; SET s = REPLACE(INSERT('abc', 1, 1, 'x'), 'a', 'b'); SET s = TRUNCATE(1.5, 0); RETURN s; END",
                "BEGIN DECLARE EXIT HANDLER FOR SQLSTATE '45000', SQLEXCEPTION BEGIN RETURN -1; END; "
                        + "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no'; END",
                "BEGIN DECLARE n INT; GET DIAGNOSTICS n = ROW_COUNT; RETURN n; END",
                "RETURN CONCAT('insert into t ', \"update\", `delete`) -- delete from t\n",
                "BEGIN /* drop table t; */ # call p()\n RETURN SLEEP(0); END",
                "BEGIN NOT ATOMIC DECLARE x INT; FOR i IN 1..3 DO SET x = i; END FOR; RETURN x; END",
                "lbl: BEGIN DECLARE x INT; SELECT a INTO x FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2020-01-01 00:00:00' LIMIT 1; RETURN x; END lbl",
                "BEGIN RETURN (SELECT t.update FROM t WHERE t.delete = 1); END",
                "BEGIN DECLARE x INT; SELECT @@sql_mode, @uservar INTO x, x; RETURN x; END"
            })
    void acceptsBodiesOfLocalStatementsOnly(String text) {
        RoutineBody b = body(text);
        assertThat(b.mayWrite()).as("%s -> %s", text, b).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "BEGIN INSERT INTO log VALUES (1); RETURN 1; END",
                "BEGIN UPDATE t SET a = 1; RETURN 1; END",
                "BEGIN DELETE FROM t; RETURN 1; END",
                "BEGIN REPLACE INTO t VALUES (1); RETURN 1; END",
                "BEGIN TRUNCATE TABLE t; RETURN 1; END",
                "BEGIN LOAD DATA INFILE 'x' INTO TABLE t; RETURN 1; END",
                "BEGIN CREATE TABLE z (a INT); RETURN 1; END",
                "BEGIN DROP TABLE t; RETURN 1; END",
                "BEGIN ALTER TABLE t ADD c INT; RETURN 1; END",
                "BEGIN CALL p(1); RETURN 1; END",
                "BEGIN PREPARE s FROM 'select 1'; EXECUTE s; DEALLOCATE PREPARE s; RETURN 1; END",
                "BEGIN EXECUTE s; RETURN 1; END",
                "BEGIN DO GET_LOCK('a', 1); RETURN 1; END",
                "BEGIN DO 1; RETURN 1; END",
                "BEGIN LOCK TABLES t READ; RETURN 1; END",
                "BEGIN UNLOCK TABLES; RETURN 1; END",
                "BEGIN HANDLER t OPEN; RETURN 1; END",
                "BEGIN GRANT SELECT ON t TO u; RETURN 1; END",
                "BEGIN REVOKE SELECT ON t FROM u; RETURN 1; END",
                "BEGIN FLUSH TABLES; RETURN 1; END",
                "BEGIN KILL 12; RETURN 1; END",
                "BEGIN PURGE BINARY LOGS BEFORE NOW(); RETURN 1; END",
                "BEGIN CHANGE MASTER TO MASTER_HOST = 'h'; RETURN 1; END",
                "BEGIN RESET QUERY CACHE; RETURN 1; END",
                "BEGIN INSTALL PLUGIN p SONAME 'x'; RETURN 1; END",
                "BEGIN SET GLOBAL max_connections = 1; RETURN 1; END",
                "BEGIN SET @@global.max_connections = 1; RETURN 1; END",
                "BEGIN SET @@session.sql_mode = ''; RETURN 1; END",
                "BEGIN SET SESSION sql_mode = ''; RETURN 1; END",
                "BEGIN SET sql_mode = ''; RETURN 1; END",
                "BEGIN SET @counter = 1; RETURN 1; END",
                "BEGIN DECLARE x INT; SET x = 1, @y = 2; RETURN x; END",
                "BEGIN DECLARE x INT; SELECT @n := @n + 1 INTO x; RETURN x; END",
                "BEGIN DECLARE x INT; SELECT a INTO @x FROM t; RETURN 1; END",
                "BEGIN DECLARE x INT; SELECT a INTO x, @y FROM t; RETURN 1; END",
                "BEGIN DECLARE x INT; SELECT a INTO undeclared FROM t; RETURN 1; END",
                "BEGIN SELECT a INTO OUTFILE '/tmp/x' FROM t; RETURN 1; END",
                "BEGIN SELECT a INTO DUMPFILE '/tmp/x' FROM t; RETURN 1; END",
                "BEGIN DECLARE x INT; SELECT a INTO x FROM t WHERE id = 1 FOR UPDATE; RETURN x; END",
                "BEGIN DECLARE x INT; SELECT a INTO x FROM t LOCK IN SHARE MODE; RETURN x; END",
                "BEGIN DECLARE x INT; SELECT a INTO x FROM t FOR SHARE; RETURN x; END",
                "RETURN GET_LOCK('a', 1)",
                "RETURN RELEASE_LOCK('a')",
                "RETURN NEXTVAL(s)",
                "RETURN SETVAL(s, 10)",
                "RETURN NEXT VALUE FOR s",
                "RETURN LAST_INSERT_ID(5)",
                "RETURN CONNECTION_ID()",
                "RETURN @@server_id",
                "RETURN (SELECT count(*) FROM performance_schema.threads)",
                "BEGIN DECLARE x INT; SELECT SQL_CALC_FOUND_ROWS a INTO x FROM t LIMIT 1; RETURN x; END",
                "BEGIN START TRANSACTION; RETURN 1; END",
                "BEGIN COMMIT; RETURN 1; END",
                "BEGIN SHOW TABLES; RETURN 1; END",
                "BEGIN DECLARE EXIT HANDLER FOR SQLEXCEPTION INSERT INTO log VALUES (1); RETURN 1; END",
                "BEGIN DECLARE CONTINUE HANDLER FOR 1062, NOT FOUND CALL p(); RETURN 1; END",
                "BEGIN IF 1 THEN INSERT INTO t VALUES (1); END IF; RETURN 1; END",
                "BEGIN WHILE 1 DO UPDATE t SET a = 1; END WHILE; RETURN 1; END",
                "BEGIN INSERT t VALUES (1); RETURN 1; END",
                "RETURN 'unterminated",
                "BEGIN RETURN 1; /* unterminated",
                "BEGIN RETURN (1; END",
                "BEGIN IF 1 THEN RETURN 1; END",
                "BEGIN RETURN 1; END IF",
                "BEGIN RETURN 1 /*!99999 + 1 */; END",
                "",
                "x := 1"
            })
    void flagsBodiesThatMayWriteOrCannotBeChecked(String text) {
        RoutineBody b = body(text);
        assertThat(b.mayWrite()).as("%s -> %s", text, b).isTrue();
        assertThat(b.mayWriteReason()).isNotBlank();
    }

    @Test
    void letsParametersBeAssigned() {
        String text = "BEGIN SET p = p + 1; SELECT a INTO p FROM t LIMIT 1; RETURN p; END";
        assertThat(body(text).mayWrite()).isTrue();
        assertThat(RoutineBody.analyze(Dialect.MYSQL, text, List.of("P")).mayWrite())
                .isFalse();
    }

    @Test
    void namesWhatMakesABodyWrite() {
        assertThat(body("BEGIN SET @counter = 1; RETURN 1; END").mayWriteReason())
                .isEqualTo("user variable @counter");
        assertThat(body("RETURN GET_LOCK('a', 1)").mayWriteReason()).isEqualTo("side-effect function get_lock");
        assertThat(body("BEGIN CALL p(1); RETURN 1; END").mayWriteReason()).isEqualTo("CALL P");
        assertThat(body("BEGIN INSERT INTO log VALUES (1); RETURN 1; END").toString())
                .contains("mayWrite: INSERT");
    }

    @Test
    void listsUserFunctionsInLowerCaseAndNotTheDeclaredTypes() {
        RoutineBody b = body(
                "BEGIN DECLARE d DECIMAL(10, 2); DECLARE `weird` MYTYPE(3); SET d = Pricing.Net(1) + F2(d) + `decimal`(1); RETURN d; END");
        assertThat(b.userFunctions()).containsExactly("pricing.net", "f2", "decimal");
    }

    @Test
    void judgesPostgresBodiesConservatively() {
        assertThat(RoutineBody.analyze(Dialect.POSTGRESQL, "select count(*) from t")
                        .mayWrite())
                .isFalse();
        assertThat(RoutineBody.analyze(Dialect.POSTGRESQL, "begin perform f(); end")
                        .mayWrite())
                .isTrue();
        assertThat(RoutineBody.analyze(
                                Dialect.POSTGRESQL, "with d as (delete from t returning *) select count(*) from d")
                        .mayWrite())
                .isTrue();
    }
}
