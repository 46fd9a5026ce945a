package dev.junction.driver.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.JunctionDriver;
import dev.junction.driver.JunctionExceptionOverride;
import dev.junction.driver.JunctionProperty;
import dev.junction.driver.internal.topology.Node;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Property {@code exceptionOverrideClassName}: the named class is loaded (thread context class loader, then Junction's)
 * and constructed when the configuration is validated, and every way it can fail to serve is a {@code 22023} that
 * names the value, says what is wrong and what is expected.
 */
public class ExceptionOverridePropertyTest {
    private static final JunctionProperty<JunctionExceptionOverride> PROPERTY =
            JunctionProperty.EXCEPTION_OVERRIDE_CLASS_NAME;
    private static final String PREFIX =
            "[JCT-91006] Invalid value \"%s\" for property \"exceptionOverrideClassName\": ";
    private static final String EXPECTED =
            "Expected the fully qualified name (nested classes as Outer$Inner) of a public class "
                    + "with a public no-argument constructor that implements dev.junction.driver.JunctionExceptionOverride";

    /** A proxy's vendor code 9001 means its backend is going away. */
    public static final class LostOnVendorCode implements JunctionExceptionOverride {
        @Override
        public Verdict adjudicate(SQLException e, Node node) {
            return e.getErrorCode() == 9001 ? Verdict.CONNECTION_LOST : Verdict.JUNCTION_DECIDES;
        }
    }

    public static final class NotAnOverride {}

    public static final class NeedsAnArgument implements JunctionExceptionOverride {
        public NeedsAnArgument(String config) {}

        @Override
        public Verdict adjudicate(SQLException e, Node node) {
            return Verdict.JUNCTION_DECIDES;
        }
    }

    public final class Inner implements JunctionExceptionOverride {
        @Override
        public Verdict adjudicate(SQLException e, Node node) {
            return Verdict.JUNCTION_DECIDES;
        }
    }

    static final class NotPublic implements JunctionExceptionOverride {
        @Override
        public Verdict adjudicate(SQLException e, Node node) {
            return Verdict.JUNCTION_DECIDES;
        }
    }

    public abstract static class Abstract implements JunctionExceptionOverride {}

    public interface SubInterface extends JunctionExceptionOverride {}

    public static final class FailingConstructor implements JunctionExceptionOverride {
        public FailingConstructor() {
            throw new IllegalStateException("override not configured");
        }

        @Override
        public Verdict adjudicate(SQLException e, Node node) {
            return Verdict.JUNCTION_DECIDES;
        }
    }

    private static String prefix(Class<?> type) {
        return prefix(type.getName());
    }

    private static String prefix(String value) {
        return String.format(PREFIX, value);
    }

    @Test
    void loadsAndConstructsTheNamedClassAndFormatsItsName() throws SQLException {
        JunctionExceptionOverride override = PROPERTY.parse(" " + LostOnVendorCode.class.getName() + " ");
        assertThat(override).isInstanceOf(LostOnVendorCode.class);
        assertThat(PROPERTY.format(override)).isEqualTo(LostOnVendorCode.class.getName());
        assertThat(PROPERTY.parse(PROPERTY.format(override)))
                .isInstanceOf(LostOnVendorCode.class)
                .isNotSameAs(override);
    }

    @Test
    void noValueMeansNoOverride() throws SQLException {
        assertThat(PROPERTY.parse("")).isSameAs(PROPERTY.defaultValue());
        assertThat(PROPERTY.parse("  ")).isSameAs(PROPERTY.defaultValue());
        assertThat(PROPERTY.format(PROPERTY.defaultValue())).isEmpty();
        assertThat(PROPERTY.defaultValue()
                        .adjudicate(
                                new SQLException("x", "08006"), new JunctionExceptionOverride.Node("h:1", "primary")))
                .isEqualTo(JunctionExceptionOverride.Verdict.JUNCTION_DECIDES);
    }

    @Test
    void anUnknownClassIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> PROPERTY.parse("com.example.NoSuchOverride"))
                .isInstanceOf(SQLNonTransientException.class)
                .hasMessageStartingWith(prefix("com.example.NoSuchOverride")
                        + "no class of that name is visible to the thread context class loader or to Junction's. "
                        + EXPECTED)
                .hasCauseInstanceOf(ClassNotFoundException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("22023");
                    assertThat(((SQLException) e).getErrorCode()).isEqualTo(91006);
                });
        // a nested class spelt with a dot is a common slip; the message says how to spell it
        assertThatThrownBy(() -> PROPERTY.parse(ExceptionOverridePropertyTest.class.getName() + ".LostOnVendorCode"))
                .hasMessageContaining("no class of that name")
                .hasMessageContaining("nested classes as Outer$Inner");
    }

    @Test
    void aClassThatIsNoOverrideIsRefused() {
        assertThatThrownBy(() -> PROPERTY.parse(NotAnOverride.class.getName()))
                .hasMessageStartingWith(prefix(NotAnOverride.class)
                        + "the class does not implement dev.junction.driver.JunctionExceptionOverride. ")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
    }

    @Test
    void aClassWithoutAPublicNoArgumentConstructorIsRefused() {
        assertThatThrownBy(() -> PROPERTY.parse(NeedsAnArgument.class.getName()))
                .hasMessageStartingWith(
                        prefix(NeedsAnArgument.class) + "the class has no public no-argument constructor. " + EXPECTED)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
        assertThatThrownBy(() -> PROPERTY.parse(Inner.class.getName()))
                .hasMessageContaining(prefix(Inner.class) + "the class has no public no-argument constructor "
                        + "(an inner class needs its outer instance: make it static).");
    }

    @Test
    void aClassThatCannotBeConstructedIsRefusedWithWhy() {
        assertThatThrownBy(() -> PROPERTY.parse(NotPublic.class.getName()))
                .hasMessageStartingWith(prefix(NotPublic.class) + "the class is not public.");
        assertThatThrownBy(() -> PROPERTY.parse(Abstract.class.getName()))
                .hasMessageStartingWith(prefix(Abstract.class) + "the class is abstract.");
        assertThatThrownBy(() -> PROPERTY.parse(SubInterface.class.getName()))
                .hasMessageStartingWith(prefix(SubInterface.class) + "it is an interface.");
        assertThatThrownBy(() -> PROPERTY.parse(FailingConstructor.class.getName()))
                .hasMessageStartingWith(prefix(FailingConstructor.class)
                        + "its constructor threw java.lang.IllegalStateException: override not configured.")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBadClassFailsTheConnectionBeforeAnyNodeIsContacted() {
        // port 1 on a reserved address: the error must come from the configuration, not from a connect attempt
        assertThatThrownBy(() -> new JunctionDriver()
                        .connect(
                                "jdbc:junction:postgresql://127.0.0.1:1/app"
                                        + "?exceptionOverrideClassName=com.example.NoSuchOverride",
                                new Properties()))
                .isInstanceOf(SQLException.class)
                .hasMessageStartingWith(prefix("com.example.NoSuchOverride"))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
        Properties info = new Properties();
        info.setProperty("exceptionOverrideClassName", NotAnOverride.class.getName());
        assertThatThrownBy(
                        () -> ConnectionSettings.of(JunctionUrl.parse("jdbc:junction:mysql://h1/app"), info, Map.of()))
                .hasMessageStartingWith(prefix(NotAnOverride.class) + "the class does not implement");
    }

    @Test
    void theDataSourceSetterValidatesAtOnceAndHasAGetter() {
        JunctionDataSource dataSource = new JunctionDataSource();
        dataSource.setExceptionOverrideClassName(LostOnVendorCode.class.getName());
        assertThat(dataSource.getExceptionOverrideClassName()).isEqualTo(LostOnVendorCode.class.getName());
        assertThatThrownBy(() -> dataSource.setExceptionOverrideClassName(NeedsAnArgument.class.getName()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        prefix(NeedsAnArgument.class) + "the class has no public no-argument constructor.");
        assertThat(dataSource.getExceptionOverrideClassName()).isEqualTo(LostOnVendorCode.class.getName());
        dataSource.setExceptionOverrideClassName(null);
        assertThat(dataSource.getExceptionOverrideClassName()).isNull();
    }

    @Test
    void theThreadContextClassLoaderIsAskedFirst() throws SQLException {
        List<String> asked = new ArrayList<>();
        ClassLoader recording = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };
        assertThat(withContextLoader(recording, () -> PROPERTY.parse(LostOnVendorCode.class.getName())))
                .isInstanceOf(LostOnVendorCode.class);
        assertThat(asked).contains(LostOnVendorCode.class.getName());
    }

    @Test
    void junctionsOwnLoaderServesWhenTheContextLoaderCannotSeeTheClass() throws SQLException {
        ClassLoader blind = new ClassLoader(ClassLoader.getPlatformClassLoader()) {};
        assertThat(withContextLoader(blind, () -> PROPERTY.parse(LostOnVendorCode.class.getName())))
                .isInstanceOf(LostOnVendorCode.class);
        assertThat(withContextLoader(null, () -> PROPERTY.parse(LostOnVendorCode.class.getName())))
                .isInstanceOf(LostOnVendorCode.class);
    }

    @Test
    void anOverrideBuiltAgainstAnotherCopyOfJunctionIsNamedAsSuch() throws Exception {
        URL junction = JunctionExceptionOverride.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation();
        URL tests = ExceptionOverridePropertyTest.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation();
        try (URLClassLoader other =
                new URLClassLoader(new URL[] {junction, tests}, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> withContextLoader(other, () -> PROPERTY.parse(LostOnVendorCode.class.getName())))
                    .hasMessageContaining(
                            prefix(LostOnVendorCode.class)
                                    + "the class implements a dev.junction.driver.JunctionExceptionOverride "
                                    + "loaded by another class loader than Junction's: deploy one Junction jar, visible to both.");
        }
    }

    private interface Parse {
        JunctionExceptionOverride run() throws SQLException;
    }

    private static JunctionExceptionOverride withContextLoader(ClassLoader loader, Parse parse) throws SQLException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return parse.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
