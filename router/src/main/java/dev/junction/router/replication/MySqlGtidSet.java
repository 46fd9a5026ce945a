package dev.junction.router.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A MySQL GTID set such as {@code @@gtid_executed} prints it: {@code uuid:1-5:7,uuid2:1-3}. MySQL may
 * apply transactions out of order on a multi-threaded replica, so positions are sets, not counters: one set
 * covers another when it contains every transaction of it. Intervals are kept merged and sorted per source.
 */
public final class MySqlGtidSet implements ReplicationPosition {
    private final Map<String, List<long[]>> intervalsBySource;

    private MySqlGtidSet(Map<String, List<long[]>> intervalsBySource) {
        this.intervalsBySource = intervalsBySource;
    }

    public static MySqlGtidSet parse(String text) {
        Map<String, List<long[]>> sets = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return new MySqlGtidSet(sets);
        }
        for (String member : text.replace("\n", "").split(",")) {
            String[] parts = member.trim().split(":");
            if (parts.length < 2) {
                throw new IllegalArgumentException("Not a MySQL GTID set: \"" + text
                        + "\"; expected uuid:interval[:interval][,…] such as 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5");
            }
            List<long[]> intervals = sets.computeIfAbsent(parts[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>());
            for (int i = 1; i < parts.length; i++) {
                intervals.add(parseInterval(parts[i], text));
            }
        }
        sets.replaceAll((source, intervals) -> merge(intervals));
        return new MySqlGtidSet(sets);
    }

    private static long[] parseInterval(String interval, String text) {
        try {
            int dash = interval.indexOf('-');
            long start = Long.parseLong(dash < 0 ? interval : interval.substring(0, dash));
            long end = dash < 0 ? start : Long.parseLong(interval.substring(dash + 1));
            if (start < 1 || end < start) {
                throw new IllegalArgumentException(
                        "Bad interval \"" + interval + "\" in MySQL GTID set \"" + text + "\"");
            }
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Bad interval \"" + interval + "\" in MySQL GTID set \"" + text + "\"", e);
        }
    }

    private static List<long[]> merge(List<long[]> intervals) {
        intervals.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] interval : intervals) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && interval[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], interval[1]);
            } else {
                merged.add(interval.clone());
            }
        }
        return List.copyOf(merged);
    }

    @Override
    public boolean covers(ReplicationPosition other) {
        if (!(other instanceof MySqlGtidSet set)) {
            throw new IllegalArgumentException("Cannot compare a MySQL GTID set with " + other);
        }
        for (Map.Entry<String, List<long[]>> needed : set.intervalsBySource.entrySet()) {
            List<long[]> have = intervalsBySource.getOrDefault(needed.getKey(), List.of());
            for (long[] interval : needed.getValue()) {
                if (!contains(have, interval)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Merged intervals never touch, so one of them must hold the whole needed interval. */
    private static boolean contains(List<long[]> have, long[] needed) {
        for (long[] interval : have) {
            if (interval[0] <= needed[0] && needed[1] <= interval[1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ReplicationPosition mergedWith(ReplicationPosition other) {
        if (!(other instanceof MySqlGtidSet set)) {
            throw new IllegalArgumentException("Cannot merge a MySQL GTID set with " + other);
        }
        if (covers(set)) {
            return this;
        }
        Map<String, List<long[]>> union = new TreeMap<>();
        intervalsBySource.forEach((source, intervals) ->
                union.computeIfAbsent(source, k -> new ArrayList<>()).addAll(intervals));
        set.intervalsBySource.forEach((source, intervals) ->
                union.computeIfAbsent(source, k -> new ArrayList<>()).addAll(intervals));
        union.replaceAll((source, intervals) -> merge(intervals));
        return new MySqlGtidSet(union);
    }

    @Override
    public String text() {
        return intervalsBySource.entrySet().stream()
                .map(e -> e.getKey()
                        + e.getValue().stream()
                                .map(i -> i[0] == i[1] ? ":" + i[0] : ":" + i[0] + "-" + i[1])
                                .collect(Collectors.joining()))
                .collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MySqlGtidSet set && text().equals(set.text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return text();
    }
}
