package dev.junction.cluster.internal;

import dev.junction.cluster.ClusterException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operating-system account a database server runs as. PostgreSQL refuses to run as root, so when this
 * JVM is root the servers run as an unprivileged account (by default {@code postgres}), started through
 * {@code setpriv}, which execs in place: the PID of the started process is the server's own PID, so it can
 * be stopped by PID. When the JVM is not root, servers run as the current user and nothing changes hands.
 */
public final class ServerAccount {
    private static final boolean RUNNING_AS_ROOT = "root".equals(System.getProperty("user.name"));

    private final String name;

    private ServerAccount(String name) {
        this.name = name;
    }

    /** The current user when not root; otherwise the first of {@code candidates} that exists on this machine. */
    public static ServerAccount forServers(String... candidates) {
        if (!RUNNING_AS_ROOT) {
            return new ServerAccount(null);
        }
        for (String candidate : candidates) {
            if (exists(candidate)) {
                return new ServerAccount(candidate);
            }
        }
        throw new ClusterException(
                "Running as root, but none of the accounts " + String.join(", ", candidates)
                        + " exists to run the database server as. Create one (e.g. `useradd --system postgres`) or run as a normal user.");
    }

    private static boolean exists(String account) {
        try {
            UserPrincipalLookupService lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
            lookup.lookupPrincipalByName(account);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean switchesUser() {
        return name != null;
    }

    /** The account name, or the current user's. */
    public String name() {
        return name == null ? System.getProperty("user.name") : name;
    }

    /** {@code command} prefixed so that it runs as this account. */
    public List<String> command(List<String> command) {
        if (name == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 6);
        wrapped.addAll(List.of("setpriv", "--reuid=" + name, "--regid=" + primaryGroupOf(name), "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static String primaryGroupOf(String account) {
        // setpriv wants a group; the account's own group of the same name is the norm for service accounts.
        return Optional.ofNullable(groupOf(account)).orElse(account);
    }

    private static String groupOf(String account) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] fields = line.split(":");
                if (fields.length > 3 && fields[0].equals(account)) {
                    String gid = fields[3];
                    for (String groupLine : Files.readAllLines(Path.of("/etc/group"))) {
                        String[] g = groupLine.split(":");
                        if (g.length > 2 && g[2].equals(gid)) {
                            return g[0];
                        }
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Creates {@code dir} (and parents) and hands it to this account; parents stay traversable by it. */
    public Path ownedDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            if (name != null) {
                changeOwner(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new ClusterException(
                    "Could not prepare directory " + dir + " for account " + name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fails unless this account can search every directory from {@code /} down to {@code path}. Without
     * this check a server under an unsearchable parent (say {@code java.io.tmpdir} inside {@code /root})
     * fails with a misleading error such as a shared library that "cannot be opened". Supplementary groups
     * are not consulted, so a directory reachable only through one of them is reported as unreachable.
     */
    public void requireReachable(Path path) {
        if (name == null) {
            return;
        }
        for (Path dir = path.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(dir, PosixFileAttributes.class);
            } catch (NoSuchFileException notYetCreated) {
                continue;
            } catch (IOException e) {
                throw new ClusterException(
                        "Could not check whether account " + name + " can reach " + dir + ": " + e.getMessage(), e);
            }
            if (!searchable(attributes)) {
                throw new ClusterException(
                        "Account " + name + " cannot reach " + path + ": " + dir + " (owner "
                                + attributes.owner().getName() + ", "
                                + PosixFilePermissions.toString(attributes.permissions())
                                + ") is not searchable by it. The servers run as " + name
                                + " because this JVM runs as root;"
                                + " point java.io.tmpdir at a directory every account can traverse (such as /tmp), or run as a normal user.");
            }
        }
    }

    private boolean searchable(PosixFileAttributes attributes) {
        Set<PosixFilePermission> permissions = attributes.permissions();
        return permissions.contains(PosixFilePermission.OTHERS_EXECUTE)
                || (attributes.owner().getName().equals(name)
                        && permissions.contains(PosixFilePermission.OWNER_EXECUTE))
                || (attributes.group().getName().equals(primaryGroupOf(name))
                        && permissions.contains(PosixFilePermission.GROUP_EXECUTE));
    }

    /** Hands {@code root} and everything below it to this account. */
    public void ownRecursively(Path root) {
        if (name == null) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    changeOwner(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    changeOwner(file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new ClusterException("Could not hand " + root + " to account " + name + ": " + e.getMessage(), e);
        }
    }

    private void changeOwner(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(name);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(primaryGroupOf(name));
        PosixFileAttributeView view =
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setOwner(user);
        view.setGroup(group);
    }

    @Override
    public String toString() {
        return "ServerAccount[" + name() + "]";
    }
}
