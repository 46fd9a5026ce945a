package dev.junction.cli;

import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * The login options of the commands that connect ({@code status}, {@code conflict-tables}, {@code reconcile}): a
 * picocli mixin. The password comes from {@code --password} or, better, {@code JUNCTION_PASSWORD}, and is never
 * printed.
 */
final class DatabaseLogin {
    @Option(
            names = {"-u", "--user"},
            description = "Database user (or user= in the URL).")
    private String user;

    @Option(names = "--password", description = "Database password; prefer the JUNCTION_PASSWORD environment variable.")
    private String password;

    /** The connection properties these options give. */
    Properties properties() {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        String secret = password != null ? password : System.getenv("JUNCTION_PASSWORD");
        if (secret != null) {
            properties.setProperty("password", secret);
        }
        return properties;
    }
}
