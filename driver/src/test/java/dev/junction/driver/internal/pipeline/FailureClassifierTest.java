package dev.junction.driver.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.driver.JunctionExceptionOverride;
import dev.junction.driver.JunctionExceptionOverride.Verdict;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.backend.BackendDialect;
import dev.junction.driver.internal.backend.HostAndPort;
import dev.junction.driver.internal.backend.ProbedRole;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.ExceptionOverridePropertyTest;
import dev.junction.driver.internal.config.JunctionUrl;
import dev.junction.driver.internal.topology.Node;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The application's exception override first, Junction's own reading where it has no opinion or misbehaves. */
class FailureClassifierTest {
    private static final Node REPLICA = new Node(new HostAndPort("pg2", 5433), ProbedRole.REPLICA);
    private static final Node PRIMARY = new Node(new HostAndPort("pg1", 5432), ProbedRole.PRIMARY);
    private static final SQLException DUPLICATE_KEY =
            new SQLException("duplicate key value violates unique constraint", "23505");
    private static final SQLException LOST =
            new SQLRecoverableException("An I/O error occurred while sending to the backend", "08006");

    private final RecordingLogger log = new RecordingLogger();

    private FailureClassifier classifier(JunctionExceptionOverride override) {
        return new FailureClassifier(override, BackendDialect.POSTGRESQL, log);
    }

    private static JunctionExceptionOverride always(Verdict verdict) {
        return (e, node) -> verdict;
    }

    @Test
    void anOverrideForcesALostConnectionOnWhatJunctionTakesForTheStatementsOwnError() {
        assertThat(FailureKind.of(DUPLICATE_KEY, BackendDialect.POSTGRESQL)).isEqualTo(FailureKind.OTHER);
        assertThat(classifier(always(Verdict.CONNECTION_LOST)).classify(DUPLICATE_KEY, REPLICA))
                .isEqualTo(FailureKind.CONNECTION_LOST);
    }

    @Test
    void anOverrideForcesAReadOnlyRefusal() {
        SQLException vendorRefusal = new SQLException("cluster is read-only for maintenance", "HY000", 50001);
        JunctionExceptionOverride override =
                (e, node) -> e.getErrorCode() == 50001 ? Verdict.NODE_READ_ONLY : Verdict.JUNCTION_DECIDES;
        assertThat(classifier(override).classify(vendorRefusal, PRIMARY)).isEqualTo(FailureKind.NODE_READ_ONLY);
        assertThat(classifier(override).classify(DUPLICATE_KEY, PRIMARY)).isEqualTo(FailureKind.OTHER);
    }

    @Test
    void anOverrideKeepsTheConnectionOnWhatJunctionTakesForALostOne() {
        assertThat(FailureKind.of(LOST, BackendDialect.POSTGRESQL)).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(classifier(always(Verdict.STATEMENT_ERROR)).classify(LOST, REPLICA))
                .isEqualTo(FailureKind.OTHER);
    }

    @Test
    void aStatementErrorVerdictLeavesASerializationFailureOne() {
        SQLException serialization = new SQLException("could not serialize access", "40001");
        assertThat(classifier(always(Verdict.STATEMENT_ERROR)).classify(serialization, PRIMARY))
                .isEqualTo(FailureKind.SERIALIZATION);
    }

    @Test
    void junctionDecidesWhereTheOverrideHasNoOpinionWalkingTheWholeChain() {
        SQLException batch = new SQLException("Batch entry 0 was aborted", (String) null);
        batch.setNextException(new SQLException("I/O error", "08006"));
        SQLException wrappedRefusal =
                new SQLException("wrapper", "HY000", new SQLException("read-only transaction", "25006"));
        FailureClassifier noOpinion = classifier(always(Verdict.JUNCTION_DECIDES));
        assertThat(noOpinion.classify(batch, PRIMARY)).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(noOpinion.classify(wrappedRefusal, REPLICA)).isEqualTo(FailureKind.NODE_READ_ONLY);
        assertThat(noOpinion.classify(DUPLICATE_KEY, REPLICA)).isEqualTo(FailureKind.OTHER);
        assertThat(log.records).isEmpty();
    }

    @Test
    void withoutAnOverrideTheReadingIsJunctionsOwn() {
        FailureClassifier none = classifier(JunctionProperty.EXCEPTION_OVERRIDE_CLASS_NAME.defaultValue());
        SQLException batch = new SQLException("Batch entry 0 was aborted", (String) null);
        batch.setNextException(new SQLException("I/O error", "08006"));
        assertThat(none.classify(batch, PRIMARY)).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(none.classify(DUPLICATE_KEY, PRIMARY)).isEqualTo(FailureKind.OTHER);
        assertThat(new FailureClassifier(
                                JunctionProperty.EXCEPTION_OVERRIDE_CLASS_NAME.defaultValue(), BackendDialect.MYSQL)
                        .classify(new SQLException("read only", "HY000", 1290), REPLICA))
                .isEqualTo(FailureKind.NODE_READ_ONLY);
    }

    @Test
    void theOverrideSeesTheRawExceptionAndTheNodesAddressAndRole() {
        List<Object> seen = new ArrayList<>();
        classifier((e, node) -> {
                    seen.add(e);
                    seen.add(node);
                    return Verdict.JUNCTION_DECIDES;
                })
                .classify(LOST, REPLICA);
        assertThat(seen).containsExactly(LOST, new JunctionExceptionOverride.Node("pg2:5433", "replica"));
    }

    @Test
    void aThrowingOverrideFallsBackToJunctionsReadingAndIsLoggedOnceAtWarning() {
        IllegalStateException bug = new IllegalStateException("override bug");
        FailureClassifier classifier = classifier((e, node) -> {
            throw bug;
        });
        assertThat(classifier.classify(LOST, REPLICA)).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(classifier.classify(DUPLICATE_KEY, REPLICA)).isEqualTo(FailureKind.OTHER);
        assertThat(classifier.classify(LOST, PRIMARY)).isEqualTo(FailureKind.CONNECTION_LOST);

        assertThat(log.records)
                .extracting(r -> r.level)
                .containsExactly(System.Logger.Level.WARNING, System.Logger.Level.DEBUG, System.Logger.Level.DEBUG);
        Logged first = log.records.get(0);
        assertThat(first.thrown).isSameAs(bug);
        assertThat(first.message)
                .contains(
                        "threw java.lang.IllegalStateException",
                        "SQLState 08006",
                        "pg2:5433 replica",
                        "Junction's own reading of the failure applies",
                        "logged at DEBUG");
        // a backend message may quote the statement's values: only its state and code are logged
        assertThat(log.records).allSatisfy(r -> assertThat(r.message).doesNotContain("I/O error", "duplicate key"));
    }

    @Test
    void aNullVerdictFallsBackToJunctionsReading() {
        FailureClassifier classifier = classifier((e, node) -> null);
        assertThat(classifier.classify(LOST, REPLICA)).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(log.records).singleElement().satisfies(r -> {
            assertThat(r.level).isEqualTo(System.Logger.Level.WARNING);
            assertThat(r.message).contains("returned null");
        });
    }

    @Test
    void eachConnectionGetsAClassifierWithTheOverrideItsSettingsNamed() throws SQLException {
        ConnectionSettings settings = ConnectionSettings.of(
                JunctionUrl.parse("jdbc:junction:postgresql://h1,h2/app" + "?exceptionOverrideClassName="
                        + ExceptionOverridePropertyTest.LostOnVendorCode.class.getName()),
                null,
                Map.of());
        FailureClassifier classifier = settings.failureClassifier(BackendDialect.POSTGRESQL);
        assertThat(classifier.classify(new SQLException("proxy: backend going away", "HY000", 9001), PRIMARY))
                .isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(classifier.classify(DUPLICATE_KEY, PRIMARY)).isEqualTo(FailureKind.OTHER);
        assertThat(settings.failureClassifier(BackendDialect.POSTGRESQL)).isNotSameAs(classifier);
    }

    private record Logged(System.Logger.Level level, String message, Throwable thrown) {}

    /** Keeps what is logged at DEBUG and above. */
    private static final class RecordingLogger implements System.Logger {
        final List<Logged> records = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.DEBUG.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            records.add(new Logged(level, message, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            records.add(new Logged(level, format, null));
        }

        @Override
        public void log(Level level, Supplier<String> supplier) {
            records.add(new Logged(level, supplier.get(), null));
        }
    }
}
