package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.internal.backend.Backend;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.topology.Node;
import dev.junction.router.FunctionCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionPins} alone: each cause of a pin and what ends it, statements classified by the router as the driver
 * classifies them. After every test the invariant holds: a node exactly while some reason holds the session.
 */
class SessionPinsTest {
    private static final StatementRouting POSTGRES =
            RouterStatementRouting.create(Backend.POSTGRESQL, FunctionCatalog.NONE);
    private static final StatementRouting MYSQL = RouterStatementRouting.create(Backend.MYSQL, FunctionCatalog.NONE);
    private static final Node PRIMARY = new Node(new HostAndPort("pg1", 5432), ProbedRole.PRIMARY);
    private static final Node REPLICA = new Node(new HostAndPort("pg2", 5432), ProbedRole.REPLICA);

    private SessionPins pins = new SessionPins(true);
    private StatementRouting routing = POSTGRES;

    /** Runs {@code sql} in auto-commit on the primary. */
    private void run(String... statements) {
        for (String sql : statements) {
            pins.executed(routing.classify(sql), PRIMARY, false);
        }
    }

    /** Runs {@code sql} inside the open transaction on the primary. */
    private void inTransaction(String... statements) {
        for (String sql : statements) {
            pins.executed(routing.classify(sql), PRIMARY, true);
        }
    }

    private void mysql() {
        pins = new SessionPins(false);
        routing = MYSQL;
    }

    private void assertPinnedBy(String... reasons) {
        assertThat(pins.reasons(false)).containsExactly(reasons);
        assertThat(pins.pinnedNode()).isSameAs(PRIMARY);
    }

    private void assertFree() {
        assertThat(pins.reasons(false)).isEmpty();
        assertThat(pins.pinnedNode()).isNull();
    }

    @AfterEach
    void nodeIsSetExactlyWhileSomethingHolds() {
        assertThat(pins.pinnedNode() != null).isEqualTo(!pins.reasons(false).isEmpty());
    }

    @Nested
    class TemporaryTables {
        @Test
        void aTemporaryTablePinsUntilItIsDropped() {
            run("create temp table scratch (id int)");
            assertPinnedBy("temporary table");
            run("insert into scratch values (1)", "select * from scratch");
            assertPinnedBy("temporary table");
            run("drop table scratch");
            assertFree();
        }

        @Test
        void everyTemporaryTableMustBeDroppedBeforeThePinEnds() {
            run(
                    "create temporary table a (id int)",
                    "select 1 as id into temp b",
                    "create temp table c as select 1 as id");
            run("drop table a");
            assertPinnedBy("temporary table");
            run("drop table if exists b, c cascade");
            assertFree();
        }

        @Test
        void droppingAnotherTableKeepsThePin() {
            run("create temp table scratch (id int)", "drop table other", "drop table public.scratch");
            assertPinnedBy("temporary table");
        }

        @Test
        void aDropCountsOncePerNameSoTheSecondDropOfAShadowedNameReleasesNothingMore() {
            // A temporary "orders" shadows the permanent one: the first DROP drops the temporary table.
            run("create temp table orders (id int)", "create temp table scratch (id int)");
            run("drop table orders");
            assertPinnedBy("temporary table");
            run("drop table orders"); // the permanent one
            assertPinnedBy("temporary table");
            run("drop table scratch");
            assertFree();
        }

        @Test
        void recreatingADroppedTemporaryTablePinsAgain() {
            run("create temp table scratch (id int)", "drop table scratch", "create temp table scratch (id int)");
            assertPinnedBy("temporary table");
            run("create temp table if not exists scratch (id int)", "drop table scratch");
            assertFree();
        }

        @Test
        void namesAreComparedAsTheServerResolvesThem() {
            run(
                    "create temp table \"Mixed\" (id int)",
                    "create temp table Lower (id int)",
                    "create temp table pg_temp.q (id int)");
            run("drop table mixed");
            assertPinnedBy("temporary table");
            run("drop table \"Mixed\"", "DROP TABLE LOWER", "drop table q");
            assertFree();
        }

        @Test
        void discardTempReleasesEveryTemporaryObjectNamedOrNot() {
            run("create temp table scratch (id int)", "create temp view v as select 1", "create temp sequence s");
            run("drop table scratch");
            assertPinnedBy("temporary table"); // the view and the sequence are held without a name
            run("discard temp");
            assertFree();
        }

        @Test
        void aTemporaryTableDroppedAtCommitNeverPins() {
            inTransaction("create temp table scratch (id int) on commit drop");
            pins.transactionEnded(true);
            assertFree();
        }

        @Test
        void mysqlTemporaryTablesPinUntilDroppedTemporaryOrNot() {
            mysql();
            run("create temporary table a (id int)", "create temporary table b select 1 as id");
            run("drop temporary table a");
            assertPinnedBy("temporary table");
            run("drop table b");
            assertFree();
        }

        @Test
        void mysqlComparesTableNamesAsWrittenSoADifferentSpellingKeepsThePin() {
            mysql();
            run(
                    "create temporary table Scratch (id int)",
                    "drop temporary table if exists scratch",
                    "drop table db.Scratch");
            assertPinnedBy("temporary table");
        }

        @Test
        void mysqlTemporaryTablesOutliveARollback() {
            mysql();
            inTransaction("create temporary table scratch (id int)");
            pins.transactionEnded(false);
            assertPinnedBy("temporary table");
            inTransaction("drop temporary table scratch");
            pins.transactionEnded(false);
            assertFree();
        }
    }

    @Nested
    class Listen {
        @Test
        void listeningPinsUntilTheLastChannelIsUnlistened() {
            run("listen jobs", "listen \"Mail\"");
            run("unlisten jobs");
            assertPinnedBy("listen");
            run("unlisten mail");
            assertPinnedBy("listen");
            run("unlisten \"Mail\"");
            assertFree();
        }

        @Test
        void unlistenStarReleasesEveryChannel() {
            run("listen a", "listen b");
            run("unlisten *");
            assertFree();
        }

        @Test
        void channelsListenedInAMultiStatementStringNeedUnlistenStar() {
            run("listen a; listen b");
            run("unlisten a", "unlisten b");
            assertPinnedBy("listen");
            run("unlisten *");
            assertFree();
        }
    }

    @Nested
    class NamedPrepare {
        @Test
        void aNamedStatementPinsUntilItIsDeallocated() {
            run("prepare q1 (int) as select $1", "prepare q2 as select 2");
            run("deallocate q1");
            assertPinnedBy("named prepare");
            run("deallocate prepare q2");
            assertFree();
        }

        @Test
        void deallocateAllReleasesEveryNamedStatement() {
            run("prepare q1 as select 1", "prepare q2 as select 2", "deallocate all");
            assertFree();
        }

        @Test
        void mysqlStatementNamesIgnoreCase() {
            mysql();
            run("PREPARE Stmt FROM 'select 1'", "DEALLOCATE PREPARE stmt");
            assertFree();
        }
    }

    @Nested
    class HoldableCursors {
        @Test
        void aCursorWithHoldPinsUntilItIsClosed() {
            run("declare c1 cursor with hold for select 1", "declare c2 cursor with hold for select 2");
            run("close c1");
            assertPinnedBy("holdable cursor");
            run("close c2");
            assertFree();
        }

        @Test
        void closeAllReleasesEveryCursor() {
            run("declare c1 cursor with hold for select 1", "declare c2 cursor with hold for select 2", "close all");
            assertFree();
        }

        @Test
        void aCursorWithoutHoldDoesNotPin() {
            inTransaction("declare c cursor for select 1");
            assertFree();
        }
    }

    @Nested
    class AdvisoryLocks {
        @Test
        void sessionLocksPinUntilTheLastIsUnlocked() {
            run("select pg_advisory_lock(1)", "select pg_advisory_lock(2)", "select pg_advisory_unlock(1)");
            assertPinnedBy("advisory lock");
            run("select pg_advisory_unlock(2)");
            assertFree();
        }

        @Test
        void unlockAllReleasesEveryLock() {
            run("select pg_advisory_lock(1)", "select pg_try_advisory_lock(2)", "select pg_advisory_unlock_all()");
            assertFree();
        }

        @Test
        void aStatementThatLocksAndUnlocksCountsAsALock() {
            run("select pg_advisory_lock(2), pg_advisory_unlock(1)");
            assertPinnedBy("advisory lock");
        }

        @Test
        void anUnlockInARolledBackTransactionStaysDone() {
            run("select pg_advisory_lock(1)");
            inTransaction("select pg_advisory_unlock(1)");
            pins.transactionEnded(false);
            assertFree();
        }

        @Test
        void mysqlGetLockPinsUntilReleaseLockOrReleaseAllLocks() {
            mysql();
            run("select get_lock('a', 1)", "select get_lock('b', 1)", "select release_lock('a')");
            assertPinnedBy("advisory lock");
            run("select release_all_locks()");
            assertFree();
        }
    }

    @Nested
    class Serializable {
        @Test
        void serializableSetInSqlPinsUntilTheIsolationChanges() {
            run("set session characteristics as transaction isolation level serializable");
            assertPinnedBy("SERIALIZABLE isolation");
            run("set session characteristics as transaction read only"); // not the isolation
            assertPinnedBy("SERIALIZABLE isolation");
            run("set default_transaction_isolation = 'read committed'");
            assertFree();
        }

        @Test
        void resettingTheIsolationReleasesIt() {
            run("set default_transaction_isolation to 'serializable'", "reset default_transaction_isolation");
            assertFree();
            run("set default_transaction_isolation to serializable", "reset all");
            assertFree();
        }

        @Test
        void settingSerializableAgainKeepsOnePin() {
            run(
                    "set default_transaction_isolation = 'serializable'",
                    "set session characteristics as transaction isolation level serializable",
                    "set session characteristics as transaction isolation level repeatable read");
            assertFree();
        }

        @Test
        void serializableThroughJdbcIsReportedWhenTheSessionStateSaysSo() {
            assertThat(pins.reasons(true)).containsExactly("SERIALIZABLE isolation");
            assertThat(pins.pinnedNode()).isNull(); // routing reads it from the session state
            run("set default_transaction_isolation = 'serializable'");
            assertThat(pins.reasons(true)).containsExactly("SERIALIZABLE isolation");
        }
    }

    @Nested
    class DiscardAll {
        @Test
        void discardAllReleasesEverythingButAnUnwrappedConnection() {
            run(
                    "create temp table t (id int)",
                    "listen a",
                    "prepare q as select 1",
                    "declare c cursor with hold for select 1",
                    "select pg_advisory_lock(1)",
                    "set default_transaction_isolation = 'serializable'");
            pins.hold(PRIMARY, "session or transaction statement in a batch");
            assertPinnedBy(
                    "temporary table",
                    "listen",
                    "named prepare",
                    "holdable cursor",
                    "advisory lock",
                    "SERIALIZABLE isolation",
                    "session or transaction statement in a batch");
            run("discard all");
            assertFree();
        }

        @Test
        void anUnwrappedConnectionPinsForGood() {
            pins.unwrapped(PRIMARY, "PGConnection");
            run("create temp table t (id int)", "discard all");
            assertPinnedBy("unwrapped PGConnection");
            pins.transactionEnded(false);
            assertPinnedBy("unwrapped PGConnection");
        }
    }

    @Nested
    class Others {
        @Test
        void mysqlTableLocksPinUntilUnlockTables() {
            mysql();
            run("lock tables t write", "lock tables t read, u write");
            assertPinnedBy("table lock");
            run("unlock tables");
            assertFree();
        }

        @Test
        void unreplayableSessionStateHoldsUntilDiscardAll() {
            run("select set_config('app.x', (select max(v)::text from t), false)");
            assertPinnedBy("unreplayable session state");
            run("reset all", "discard temp");
            assertPinnedBy("unreplayable session state");
            run("discard all");
            assertFree();
        }

        @Test
        void aTemporaryTableCreatedInABatchIsHeldWithoutAName() {
            pins.hold(PRIMARY, "temporary table");
            run("drop table scratch");
            assertPinnedBy("temporary table");
            run("discard temp");
            assertFree();
        }

        @Test
        void releasesInAMultiStatementStringAreNotCounted() {
            run("create temp table scratch (id int)", "drop table scratch; select 1");
            assertPinnedBy("temporary table");
        }

        @Test
        void reasonsAreReportedInTheOrderTheyFirstHeld() {
            run("listen a", "create temp table t (id int)", "unlisten a", "listen b");
            assertPinnedBy("temporary table", "listen");
        }

        @Test
        void theSessionIsPinnedToTheNodeThatRanThePinningStatement() {
            pins.executed(POSTGRES.classify("prepare q as select 1"), REPLICA, true);
            assertThat(pins.pinnedNode()).isSameAs(REPLICA);
            pins.executed(POSTGRES.classify("deallocate q"), REPLICA, false);
            assertFree();
        }

        @Test
        void statementsThatPinNothingOnAFreeSessionChangeNothing() {
            run("select 1", "insert into t values (1)", "drop table t", "unlisten *", "deallocate all", "close all");
            assertFree();
        }
    }

    @Nested
    class ConnectionLoss {
        @Test
        void losingThePinnedNodesConnectionClearsEverything() {
            pins.unwrapped(PRIMARY, "PGConnection");
            run("create temp table t (id int)", "select pg_advisory_lock(1)");
            pins.lost(REPLICA);
            assertPinnedBy("temporary table", "advisory lock", "unwrapped PGConnection");
            pins.lost(PRIMARY);
            assertFree();
        }

        @Test
        void losingTheConnectionInATransactionForgetsWhatARollbackWouldRestore() {
            run("create temp table t (id int)");
            inTransaction("drop table t");
            pins.lost(PRIMARY);
            pins.transactionEnded(false);
            assertFree();
        }
    }

    /** PostgreSQL: temporary tables, LISTEN and SET are transactional; a rollback undoes their changes. */
    @Nested
    class Transactions {
        @Test
        void aDropInACommittedTransactionReleases() {
            run("create temp table t (id int)");
            inTransaction("drop table t");
            pins.transactionEnded(true);
            assertFree();
        }

        @Test
        void aDropInARolledBackTransactionKeepsThePin() {
            run("create temp table t (id int)");
            inTransaction("drop table t");
            pins.transactionEnded(false);
            assertPinnedBy("temporary table");
            run("drop table t");
            assertFree();
        }

        @Test
        void aTemporaryTableCreatedInARolledBackTransactionNeverExisted() {
            inTransaction(
                    "create temp table t (id int)", "listen a", "set default_transaction_isolation = 'serializable'");
            assertPinnedBy("temporary table", "listen", "SERIALIZABLE isolation");
            pins.transactionEnded(false);
            assertFree();
        }

        @Test
        void aTableCreatedAndDroppedInOneTransactionIsGoneEitherWay() {
            inTransaction("create temp table t (id int)", "drop table t");
            pins.transactionEnded(true);
            assertFree();
            inTransaction("create temp table t (id int)", "drop table t");
            pins.transactionEnded(false);
            assertFree();
        }

        @Test
        void aTableDroppedAndRecreatedInARolledBackTransactionIsTheOldOne() {
            run("create temp table t (id int)");
            inTransaction("drop table t", "create temp table t (id int)");
            pins.transactionEnded(false);
            assertPinnedBy("temporary table");
        }

        @Test
        void aRollbackKeepsWhatItMightNotUndo() {
            run("prepare q as select 1", "declare c cursor with hold for select 1");
            inTransaction("deallocate q", "close c", "prepare r as select 2");
            pins.transactionEnded(false);
            assertPinnedBy("named prepare", "holdable cursor");
            run("deallocate q", "deallocate r", "close c");
            assertFree();
        }

        @Test
        void aRollbackToASavepointKeepsWhatWasHeldBeforeOrSince() {
            run("create temp table t (id int)");
            inTransaction("savepoint s", "drop table t", "create temp table u (id int)", "rollback to savepoint s");
            assertPinnedBy("temporary table");
            pins.transactionEnded(true);
            run("drop table t");
            assertPinnedBy("temporary table"); // u may exist: which changes followed the savepoint is not tracked
            run("drop table u");
            assertFree();
        }

        @Test
        void aRollbackToASavepointThroughJdbcKeepsWhatWasHeldBefore() {
            run("listen a");
            inTransaction("unlisten *");
            pins.rolledBackToSavepoint();
            pins.transactionEnded(true);
            assertPinnedBy("listen");
        }

        @Test
        void aFailureInATransactionKeepsWhatItReleasedBecauseItsCommitWillRollBack() {
            run("create temp table t (id int)");
            inTransaction("drop table t");
            pins.failed();
            pins.transactionEnded(true); // PostgreSQL answers the COMMIT of an aborted transaction with a rollback
            assertPinnedBy("temporary table");
        }

        @Test
        void aFailureFollowedByARollbackRestoresTheStateBeforeTheTransaction() {
            inTransaction("create temp table t (id int)");
            pins.failed();
            pins.transactionEnded(false);
            assertFree();
        }

        @Test
        void aStatementOutsideATransactionEndsTheOneWhoseEndWasNotReported() {
            run("create temp table t (id int)");
            inTransaction("drop table t");
            pins.failed(); // a COMMIT that failed: the transaction's fate is unknown, everything is kept
            run("create temp table u (id int)"); // auto-commit: the transaction is over
            pins.transactionEnded(false); // a later transaction's rollback must not restore the old state
            assertPinnedBy("temporary table");
            run("drop table t", "drop table u");
            assertFree();
        }

        @Test
        void aDiscardAllNeedsNoTransactionBookkeeping() {
            run("create temp table t (id int)", "discard all");
            pins.transactionEnded(false);
            assertFree();
        }
    }
}
