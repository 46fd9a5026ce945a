package dev.junction.driver.internal;

import dev.junction.driver.internal.StatementInfo.Hint;
import dev.junction.driver.internal.StatementInfo.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeywordStatementRoutingTest {
    private final StatementRouting postgres = new KeywordStatementRouting(Backend.POSTGRESQL);
    private final StatementRouting mysql = new KeywordStatementRouting(Backend.MYSQL);

    private Kind pg(String sql) {
        return postgres.classify(sql).kind();
    }

    @Test
    void plainReadsAreReads() {
        assertThat(pg("select * from t where id = ?")).isEqualTo(Kind.READ);
        assertThat(pg("  -- comment\n SELECT count(*), max(x) FROM t")).isEqualTo(Kind.READ);
        assertThat(pg("with x as (select 1) select * from x")).isEqualTo(Kind.READ);
        assertThat(pg("select inet_server_port(), now()")).isEqualTo(Kind.READ);
        assertThat(pg("select 'for update; insert' from t")).isEqualTo(Kind.READ);
        assertThat(pg("select \"update\" from t")).isEqualTo(Kind.READ);
        assertThat(pg("show search_path")).isEqualTo(Kind.READ);
    }

    @Test
    void anythingThatMayWriteIsAWrite() {
        for (String sql : new String[]{"insert into t values (1)", "select * from t for update", "select * from t for share",
                "select * from t for no key update", "select nextval('s')", "select my_function(1)", "select * into t2 from t",
                "with d as (delete from t returning *) select * from d", "select 1; delete from t", "explain analyze delete from t",
                "select pg_advisory_lock(1)", "copy t from stdin", "lock table t", "vacuum", "call p()", "select $$x$$ || f()",
                "select E'\\'' || 'x', nextval('s')", "select next value for s"}) {
            assertThat(pg(sql)).as(sql).isEqualTo(Kind.WRITE);
        }
        assertThat(mysql.classify("select * from t lock in share mode").kind()).isEqualTo(Kind.WRITE);
        assertThat(mysql.classify("select get_lock('a', 1)").pinReason()).isEqualTo("session lock GET_LOCK");
        assertThat(mysql.classify("select 1 # comment; delete").kind()).isEqualTo(Kind.READ);
    }

    @Test
    void sessionStatementsCarryTheKeyTheySet() {
        assertThat(postgres.classify("SET search_path TO app")).isEqualTo(new StatementInfo(Kind.SESSION, Hint.NONE, null, "search_path"));
        assertThat(postgres.classify("set session statement_timeout = 5").sessionKey()).isEqualTo("statement_timeout");
        assertThat(postgres.classify("set time zone 'UTC'").sessionKey()).isEqualTo("timezone");
        assertThat(postgres.classify("reset all").sessionKey()).isEqualTo(StatementInfo.RESET_ALL);
        assertThat(postgres.classify("set local work_mem = '1MB'").kind()).isEqualTo(Kind.IN_TRANSACTION);
        assertThat(postgres.classify("set session characteristics as transaction isolation level serializable").pinReason())
                .isEqualTo("SERIALIZABLE isolation");
        assertThat(mysql.classify("use shop").sessionKey()).isEqualTo("catalog");
        assertThat(mysql.classify("set @x = 1").sessionKey()).isEqualTo("@x");
        assertThat(mysql.classify("set global read_only = 1").kind()).isEqualTo(Kind.WRITE);
    }

    @Test
    void transactionControlAndPins() {
        assertThat(pg("begin")).isEqualTo(Kind.BEGIN);
        assertThat(pg("START TRANSACTION READ ONLY")).isEqualTo(Kind.BEGIN);
        assertThat(pg("commit")).isEqualTo(Kind.END);
        assertThat(pg("rollback")).isEqualTo(Kind.END);
        assertThat(pg("rollback to savepoint a")).isEqualTo(Kind.IN_TRANSACTION);
        assertThat(postgres.classify("create temp table x(id int)").pinReason()).isEqualTo("temporary table");
        assertThat(postgres.classify("listen jobs").pinReason()).isEqualTo("LISTEN");
        assertThat(postgres.classify("prepare q as select 1").pinReason()).isEqualTo("server-side PREPARE");
        assertThat(postgres.classify("select pg_advisory_xact_lock(1)").pinReason()).isNull();
    }

    @Test
    void leadingHintsAreRead() {
        assertThat(postgres.classify("/* junction:primary */ select 1").hint()).isEqualTo(Hint.PRIMARY);
        assertThat(postgres.classify("/*junction:replica*/ select 1").hint()).isEqualTo(Hint.REPLICA);
        assertThat(postgres.classify("select /* junction:primary */ 1").hint()).isEqualTo(Hint.NONE);
    }
}
