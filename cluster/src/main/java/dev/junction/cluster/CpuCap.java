package dev.junction.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Caps groups of local processes (one server node each) to the same share of one CPU with the Linux CFS bandwidth
 * controller, so that a benchmark can make the servers the bottleneck on a machine whose client would otherwise be.
 * The cgroup v1 {@code cpu} controller ({@code cpu.cfs_quota_us} over {@code cpu.cfs_period_us}) where it is mounted,
 * else cgroup v2 ({@code cpu.max}). Needs root. A process and every descendant it has at {@link #add} time are moved;
 * children forked later (PostgreSQL backends) inherit the group.
 *
 * <p>{@link #close} moves the processes still alive back to the root group and removes the groups.
 */
public final class CpuCap implements AutoCloseable {
    private static final Path V1_ROOT = Path.of("/sys/fs/cgroup/cpu");
    private static final Path V2_ROOT = Path.of("/sys/fs/cgroup");

    private final boolean v1;
    private final Path parent;
    private final long quotaMicros;
    private final long periodMicros;
    private final Map<String, Path> groups = new LinkedHashMap<>();

    private CpuCap(boolean v1, Path parent, long quotaMicros, long periodMicros) {
        this.v1 = v1;
        this.parent = parent;
        this.quotaMicros = quotaMicros;
        this.periodMicros = periodMicros;
    }

    /**
     * A cap of {@code share} of one CPU per group, enforced per {@code period}, under a parent group named {@code
     * name}.
     *
     * @throws IllegalArgumentException for a share outside (0, 1] or a period outside 1 ms..1 s
     * @throws ClusterException when neither controller is there and writable (not root, a container without them)
     */
    public static CpuCap create(String name, double share, Duration period) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException(
                    "Invalid CPU share " + share + ": expected more than 0 and at most 1 (one whole CPU).");
        }
        long periodMicros = period.toNanos() / 1000;
        if (periodMicros < 1000 || periodMicros > 1_000_000) {
            throw new IllegalArgumentException("Invalid CFS period " + period + ": the kernel accepts 1ms to 1s.");
        }
        long quota = Math.max(1000, Math.round(share * periodMicros));
        boolean v1 = Files.isWritable(V1_ROOT.resolve("cgroup.procs"));
        Path root = v1 ? V1_ROOT : V2_ROOT;
        if (!v1 && !v2HasCpu()) {
            throw new ClusterException("No writable CPU controller: neither cgroup v1 at " + V1_ROOT
                    + " nor cgroup v2 with the cpu controller at " + V2_ROOT
                    + "; run as root on a machine that mounts one, or run without a cap.");
        }
        CpuCap cap = new CpuCap(v1, root.resolve(name), quota, periodMicros);
        try {
            Files.createDirectories(cap.parent);
            if (!v1) {
                write(V2_ROOT.resolve("cgroup.subtree_control"), "+cpu");
                write(cap.parent.resolve("cgroup.subtree_control"), "+cpu");
            }
        } catch (IOException e) {
            throw new ClusterException("Cannot create the cgroup " + cap.parent + ": " + e.getMessage(), e);
        }
        return cap;
    }

    private static boolean v2HasCpu() {
        try {
            Path controllers = V2_ROOT.resolve("cgroup.controllers");
            return Files.isWritable(V2_ROOT.resolve("cgroup.procs"))
                    && Files.exists(controllers)
                    && List.of(Files.readString(controllers).trim().split(" ")).contains("cpu");
        } catch (IOException e) {
            return false;
        }
    }

    /** Moves {@code pid} and its current descendants into group {@code group}, made with the cap if new. */
    public void add(String group, long pid) {
        try {
            Path dir = groups.get(group);
            if (dir == null) {
                dir = parent.resolve(group);
                Files.createDirectories(dir);
                if (v1) {
                    write(dir.resolve("cpu.cfs_period_us"), Long.toString(periodMicros));
                    write(dir.resolve("cpu.cfs_quota_us"), Long.toString(quotaMicros));
                } else {
                    write(dir.resolve("cpu.max"), quotaMicros + " " + periodMicros);
                }
                groups.put(group, dir);
            }
            List<Long> pids = new ArrayList<>();
            pids.add(pid);
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
            for (long each : pids) {
                move(dir, each);
            }
        } catch (IOException e) {
            throw new ClusterException(
                    "Cannot cap process " + pid + " in " + parent + "/" + group + ": " + e.getMessage(), e);
        }
    }

    /** What the cap is, for a report: controller, quota, period. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%.0f %% of one CPU per node (cgroup %s, %d us every %d us)",
                100.0 * quotaMicros / periodMicros,
                v1 ? "v1 cpu.cfs_quota_us" : "v2 cpu.max",
                quotaMicros,
                periodMicros);
    }

    /** How often each group was throttled so far, from its {@code cpu.stat} ({@code nr_throttled}). */
    public Map<String, Long> throttledPeriods() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Path> g : groups.entrySet()) {
            try {
                for (String line : Files.readAllLines(g.getValue().resolve("cpu.stat"))) {
                    if (line.startsWith("nr_throttled ")) {
                        counts.put(
                                g.getKey(),
                                Long.parseLong(
                                        line.substring("nr_throttled ".length()).trim()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                counts.put(g.getKey(), -1L);
            }
        }
        return counts;
    }

    @Override
    public void close() {
        Path rootProcs = (v1 ? V1_ROOT : V2_ROOT).resolve("cgroup.procs");
        for (Path dir : groups.values()) {
            try {
                for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                    if (!pid.isBlank()) {
                        tryWrite(rootProcs, pid.trim());
                    }
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // best effort: a group that still holds a process cannot go; the next run's name differs
            }
        }
        groups.clear();
        try {
            Files.deleteIfExists(parent);
        } catch (IOException e) {
            // as above
        }
    }

    private static void move(Path dir, long pid) throws IOException {
        try {
            write(dir.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw e; // a child that exited meanwhile needs no cap
            }
        }
    }

    private static void tryWrite(Path file, String value) {
        try {
            write(file, value);
        } catch (IOException e) {
            // the process exited meanwhile
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    @Override
    public String toString() {
        return "CpuCap[" + parent + ", " + describe() + "]";
    }
}
