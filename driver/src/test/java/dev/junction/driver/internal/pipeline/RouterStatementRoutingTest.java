package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.pipeline.StatementInfo.Hint;
import dev.junction.driver.internal.pipeline.StatementInfo.Kind;
import dev.junction.router.FunctionCatalog;
import org.junit.jupiter.api.Test;

/** The driver's reading of the router's classifications: what is replayed under which key, what ends, what pins. */
class RouterStatementRoutingTest {
    private final StatementRouting postgres = RouterStatementRouting.create(
            Backend.POSTGRESQL,
            name -> name.equals("stable_fn")
                    ? FunctionCatalog.Volatility.READ_ONLY
                    : FunctionCatalog.Volatility.MAY_WRITE);
    private final StatementRouting mysql = RouterStatementRouting.create(Backend.MYSQL, FunctionCatalog.NONE);

    private Kind pg(String sql) {
        return postgres.classify(sql).kind();
    }

    @Test
    void onlyPlainReadsAreReads() {
        assertThat(pg("select * from t where id = ?")).isEqualTo(Kind.READ);
        assertThat(pg("select stable_fn(1)")).isEqualTo(Kind.READ);
        for (String sql : new String[] {
            "insert into t values (1)",
            "select * from t for update",
            "select nextval('s')",
            "select volatile_fn(1)",
            "select inet_server_port()",
            "select 1; delete from t",
            "create table u(id int)"
        }) {
            assertThat(pg(sql)).as(sql).isEqualTo(Kind.WRITE);
        }
    }

    @Test
    void sessionStatementsCarryTheKeyTheySet() {
        assertThat(postgres.classify("SET search_path TO app").sessionKey()).isEqualTo("search_path");
        assertThat(postgres.classify("set statement_timeout = 5000").sessionKey())
                .isEqualTo("statement_timeout");
        assertThat(postgres.classify("reset all").sessionKey()).isEqualTo(StatementInfo.RESET_ALL);
        assertThat(postgres.classify("discard all").sessionKey()).isEqualTo(StatementInfo.RESET_ALL);
        assertThat(pg("set local work_mem = '1MB'")).isEqualTo(Kind.IN_TRANSACTION);
        assertThat(mysql.classify("use shop").sessionKey()).isEqualTo("catalog");
        assertThat(mysql.classify("set @x = 1").kind()).isEqualTo(Kind.SESSION);
    }

    @Test
    void serializableThroughSqlPinsOnPostgresOnly() {
        assertThat(postgres.classify("set session characteristics as transaction isolation level serializable")
                        .pinReason())
                .isEqualTo("SERIALIZABLE isolation");
        assertThat(postgres.classify("set default_transaction_isolation = 'serializable'")
                        .pinReason())
                .isEqualTo("SERIALIZABLE isolation");
        assertThat(mysql.classify("set session transaction isolation level serializable")
                        .pinReason())
                .isNull();
    }

    @Test
    void transactionControlAndPins() {
        assertThat(pg("begin")).isEqualTo(Kind.BEGIN);
        assertThat(pg("start transaction read only")).isEqualTo(Kind.BEGIN);
        assertThat(pg("commit")).isEqualTo(Kind.END);
        assertThat(pg("rollback")).isEqualTo(Kind.END);
        assertThat(pg("rollback to savepoint a")).isEqualTo(Kind.IN_TRANSACTION);
        assertThat(postgres.classify("create temp table x(id int)").pinReason()).isEqualTo("temporary table");
        assertThat(postgres.classify("listen jobs").pinReason()).isEqualTo("listen");
        assertThat(postgres.classify("select pg_advisory_lock(1)").pinReason()).isEqualTo("advisory lock");
        assertThat(postgres.classify("select pg_advisory_xact_lock(1)").pinReason())
                .isNull();
        assertThat(mysql.classify("select get_lock('a', 1)").pinReason()).isEqualTo("advisory lock");
    }

    @Test
    void leadingHintsAreRead() {
        assertThat(postgres.classify("/* junction:primary */ select 1").hint()).isEqualTo(Hint.PRIMARY);
        assertThat(postgres.classify("/* junction:replica */ select 1").hint()).isEqualTo(Hint.REPLICA);
    }
}
