package dev.junction.driver.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.junction.driver.JunctionDataSource;
import dev.junction.driver.JunctionDriver;
import dev.junction.driver.internal.config.ConnectionSettings;
import dev.junction.driver.internal.config.CredentialMask;
import dev.junction.driver.internal.config.JunctionUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No password in any message, whatever the URL form (issue 11): for every way a user writes one (URL parameter
 * plain, with a percent-encoded name or value, in another case; {@code Properties}; {@code setPassword};
 * {@code user:password@} before the hosts with {@code / , @ : ? #} and percent-escapes in it; IPv6 hosts), every
 * error Junction can raise before and during connecting is scanned with its causes, next and suppressed exceptions,
 * and so is {@code toString()} of data sources and connections.
 */
class CredentialLeakTest {
    private static final String SECRET = "S3cr3t-pw";
    private static final SecretScan SCAN = new SecretScan(SECRET);
    private static final List<String> HOST_LISTS = List.of("leak1:5432,leak2:5432", "[::1]:5432,[fe80::2]");

    private final FakeBackendDriver backend = new FakeBackendDriver();

    @AfterEach
    void wakeHungServers() {
        backend.wakeAll();
    }

    /** The password as URL parameters: each {@code %s} is the host list. */
    private static List<String> parameterForms() {
        return List.of(
                "jdbc:junction:postgresql://%s/app?user=app&password=" + SECRET,
                "jdbc:junction:postgresql://%s/app?user=app&pass%%77ord=" + SECRET,
                "jdbc:junction:postgresql://%s/app?user=app&pass%%2577ord=" + SECRET,
                "jdbc:junction:postgresql://%s/app?user=app&password=S3cr3t%%2Dpw",
                "jdbc:junction:postgresql://%s/app?user=app&password=%%53%%33%%63%%72%%33%%74%%2d%%70%%77",
                "jdbc:junction:postgresql://%s/app?user=app&Password=" + SECRET,
                "jdbc:junction:postgresql://%s/app?PASSWORD=" + SECRET + "&user=app",
                "jdbc:junction:postgresql://%s/app?sslpassword=" + SECRET + "&password=" + SECRET,
                "jdbc:junction:postgresql://%s/app?password=" + SECRET + "?" + SECRET);
    }

    /** The password before the hosts, holding each character that could end it early. */
    private static List<String> userInfoForms() {
        List<String> forms = new ArrayList<>();
        for (String password : List.of(
                SECRET,
                SECRET + "/" + SECRET,
                SECRET + "," + SECRET,
                SECRET + "@" + SECRET,
                SECRET + ":" + SECRET,
                "S3cr3t%2Dpw%40" + SECRET,
                SECRET + "?" + SECRET,
                SECRET + "?x=" + SECRET,
                SECRET + "#" + SECRET,
                SECRET + "&password=" + SECRET,
                SECRET + "=" + SECRET)) {
            forms.add("jdbc:junction:postgresql://app:" + password.replace("%", "%%") + "@%s/app");
            forms.add(
                    "jdbc:junction:postgresql://app:" + password.replace("%", "%%") + "@%s/app?readConsistency=strong");
            if (!password.contains("?x=")) {
                // Without a user, "pw?x=pw@host" is a host named pw with a parameter x: nothing tells them apart.
                forms.add("jdbc:junction:postgresql://" + password.replace("%", "%%") + "@%s");
            }
        }
        return forms;
    }

    /** Ways to make an otherwise valid URL invalid; {@code %s} is the URL. */
    private static List<String> breakages(String url) {
        String withQuery = url.contains("?") ? url + "&" : url + "?";
        String hostsEnd = url.contains("/app") ? "/app" : (url.contains("?") ? "?" : null);
        List<String> broken = new ArrayList<>(List.of(
                withQuery + "maxReplicaLag=2x",
                withQuery + "targetServerType=primary",
                withQuery + "maxreplicalag=1s",
                withQuery + "x=%zz",
                withQuery + "password=%zz",
                url.replace("jdbc:junction:postgresql://", "jdbc:junction:postgres://"),
                url.replace("jdbc:junction:postgresql://", "jdbc:junction:postgresql:"),
                url.replace("jdbc:junction:postgresql://", "jdbc:junction:mysql:replication://")));
        if (hostsEnd != null) {
            broken.add(url.replaceFirst(java.util.regex.Pattern.quote(hostsEnd), ":99999" + hostsEnd));
            broken.add(url.replaceFirst(java.util.regex.Pattern.quote(hostsEnd), ",," + hostsEnd));
            broken.add(url.replaceFirst(java.util.regex.Pattern.quote(hostsEnd), ",::1" + hostsEnd));
            broken.add(url.replaceFirst(java.util.regex.Pattern.quote(hostsEnd), hostsEnd + "/x"));
        }
        return broken;
    }

    private static SQLException parseFailure(String url) {
        try {
            JunctionUrl.parse(url);
            ConnectionSettings.of(JunctionUrl.parse(url), null, Map.of());
        } catch (SQLException e) {
            return e;
        }
        return null;
    }

    @Test
    void malformedUrlsNeverShowThePasswordInAnyForm() {
        List<String> urls = new ArrayList<>();
        for (String hosts : HOST_LISTS) {
            for (String form : parameterForms()) {
                urls.add(String.format(form, hosts));
                urls.addAll(breakages(String.format(form, hosts)));
            }
            for (String form : userInfoForms()) {
                urls.add(String.format(form, hosts));
                urls.addAll(breakages(String.format(form, hosts)));
            }
        }
        int failures = 0;
        for (String url : urls) {
            SQLException e = parseFailure(url);
            if (e != null) {
                failures++;
                SCAN.assertAbsent(url, e);
                assertThat(e.getSQLState()).as(url).isEqualTo("22023");
            }
            JunctionDataSource dataSource = new JunctionDataSource();
            dataSource.setUrl(url);
            dataSource.setPassword(SECRET);
            SCAN.assertAbsent("toString of a data source with " + url, dataSource.toString());
            SCAN.assertAbsent("CredentialMask.url of " + url, CredentialMask.url(url));
        }
        assertThat(failures).as("most of these URLs are malformed").isGreaterThan(urls.size() / 2);
    }

    @Test
    void credentialsBeforeTheHostsAreRejectedWithoutEchoingThem() {
        for (String hosts : HOST_LISTS) {
            for (String form : userInfoForms()) {
                String url = String.format(form, hosts);
                SQLException e = parseFailure(url);
                assertThat((Throwable) e).as(url).isNotNull();
                assertThat(e.getSQLState()).isEqualTo("22023");
                assertThat(e.getMessage())
                        .as(url)
                        .contains("credentials before the hosts are not supported")
                        .contains("pass user and password as properties");
                SCAN.assertAbsent(url, e);
            }
        }
    }

    @Test
    void anAtSignInAParameterValueIsNoUserInfo() throws SQLException {
        JunctionUrl url = JunctionUrl.parse("jdbc:junction:postgresql://h1/app?user=me@corp&ApplicationName=a@b");
        assertThat(url.parameters()).containsEntry("user", "me@corp");
        assertThat(JunctionUrl.parse("jdbc:junction:postgresql://h1/my%40db").database())
                .isEqualTo("my@db");
    }

    @Test
    void connectFailuresNeverShowThePasswordGivenInTheUrl() {
        for (String hosts : HOST_LISTS) {
            for (String form : parameterForms()) {
                String url = String.format(form, hosts);
                for (Failure failure : Failure.values()) {
                    SQLException e = connectThroughDataSource(url, failure, null);
                    SCAN.assertAbsent(failure + " " + url, e);
                }
            }
        }
    }

    @Test
    void connectFailuresNeverShowThePasswordFromPropertiesOrSetters() throws SQLException {
        for (String hosts : HOST_LISTS) {
            String url = "jdbc:junction:postgresql://" + hosts + "/app";
            for (Failure failure : Failure.values()) {
                SCAN.assertAbsent("setPassword, " + failure, connectThroughDataSource(url, failure, SECRET));
                Properties info = new Properties();
                info.setProperty("user", "app");
                info.setProperty("password", SECRET);
                info.setProperty("sslpassword", SECRET);
                failure.arrange(backend, hosts);
                try (Connection connection =
                        Connections.open(ConnectionSettings.of(JunctionUrl.parse(url), info, Map.of()), backend)) {
                    fail("connected with " + failure);
                } catch (SQLException e) {
                    SCAN.assertAbsent("Properties, " + failure, e);
                }
            }
        }
    }

    @Test
    void connectionsAndDataSourcesNeverShowThePassword() throws SQLException {
        backend.server("shown1:5432");
        backend.server("shown2:5432").replica();
        try (JunctionDataSource dataSource = new JunctionDataSource()) {
            dataSource.setUrl("jdbc:junction:postgresql://shown1:5432,shown2:5432/app?pass%77ord=" + SECRET);
            dataSource.setPassword(SECRET);
            dataSource.setBackendDriver(backend);
            try (Connection connection = dataSource.getConnection()) {
                SCAN.assertAbsent("connection", connection.toString());
                SCAN.assertAbsent(
                        "connection settings",
                        connection.unwrap(RoutingConnection.class).settings().toString());
                connection.createStatement().executeQuery("select 1").close();
                SCAN.assertAbsent("connection after a statement", connection.toString());
            }
            SCAN.assertAbsent("data source", dataSource.toString());
        }
        assertThat(backend.connects)
                .isNotEmpty()
                .allMatch(c -> SECRET.equals(c.password()), "every node got the password");
    }

    @Test
    void driverRejectsUserInfoBeforeLoadingAnyBackend() {
        try {
            new JunctionDriver()
                    .connect("jdbc:junction:postgresql://app:" + SECRET + "/x@[::1]:5432/app", new Properties());
            fail("connected");
        } catch (SQLException e) {
            SCAN.assertAbsent("JunctionDriver.connect", e);
            assertThat(e.getMessage()).contains("credentials before the hosts are not supported");
        }
    }

    /** What goes wrong at connect time; each arranges the fake servers of a host list. */
    enum Failure {
        /** No server at any address (a closed port). */
        UNREACHABLE {
            @Override
            void arrange(FakeBackendDriver backend, String hosts) {}
        },
        /** Every server refuses the password. */
        BAD_PASSWORD {
            @Override
            void arrange(FakeBackendDriver backend, String hosts) {
                for (String host : addresses(hosts)) {
                    backend.server(host).password("the-right-one");
                }
            }
        },
        /** Every server says the database does not exist. */
        UNKNOWN_DATABASE {
            @Override
            void arrange(FakeBackendDriver backend, String hosts) {
                for (String host : addresses(hosts)) {
                    backend.server(host).refusing(new SQLException("FATAL: database \"app\" does not exist", "3D000"));
                }
            }
        };

        abstract void arrange(FakeBackendDriver backend, String hosts);

        static List<String> addresses(String hosts) {
            List<String> addresses = new ArrayList<>();
            for (String host : hosts.split(",")) {
                addresses.add(host.endsWith("]") ? host + ":5432" : host);
            }
            return addresses;
        }
    }

    private SQLException connectThroughDataSource(String url, Failure failure, String password) {
        FakeBackendDriver fresh = new FakeBackendDriver();
        String hosts = url.substring(url.indexOf("//") + 2, url.indexOf("/app"));
        failure.arrange(fresh, hosts);
        try (JunctionDataSource dataSource = new JunctionDataSource()) {
            dataSource.setUrl(url);
            if (password != null) {
                dataSource.setUser("app");
                dataSource.setPassword(password);
            }
            dataSource.setBackendDriver(fresh);
            try (Connection connection = dataSource.getConnection()) {
                fail("connected to " + url + " with " + failure);
                return null;
            } catch (SQLException e) {
                SCAN.assertAbsent("data source after a failure", dataSource.toString());
                return e;
            }
        }
    }
}
