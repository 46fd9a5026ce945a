package dev.junction.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * MariaDB GTID positions as the server prints them ({@code 0-1-42,1-2-7}: domain, server, sequence per domain),
 * compared the way failover needs: one position covers another when it has reached at least the same sequence in
 * every domain the other has.
 */
final class GtidPositions {
    private GtidPositions() {}

    static boolean covers(String position, String other) {
        Map<Long, Long> have = sequences(position);
        for (Map.Entry<Long, Long> needed : sequences(other).entrySet()) {
            if (have.getOrDefault(needed.getKey(), -1L) < needed.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Map<Long, Long> sequences(String position) {
        Map<Long, Long> byDomain = new HashMap<>();
        for (String gtid : position.split(",")) {
            String[] parts = gtid.trim().split("-");
            if (parts.length == 3) {
                byDomain.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
            }
        }
        return byDomain;
    }
}
