package dev.junction.router.replication;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A MariaDB GTID position such as {@code @@gtid_current_pos} prints it: {@code domain-server-sequence} per
 * replication domain, comma-separated. Sequence numbers grow monotonically within a domain whatever server
 * wrote them, so a position covers another when, in every domain of the other, its sequence number is at
 * least as high. A domain the other has and this one lacks means not covered.
 */
public final class MariaDbGtidPosition implements ReplicationPosition {
    private static final MariaDbGtidPosition EMPTY = new MariaDbGtidPosition(Map.of(), Map.of());

    private final Map<Long, Long> sequenceByDomain;
    private final Map<Long, Long> serverByDomain;

    private MariaDbGtidPosition(Map<Long, Long> sequenceByDomain, Map<Long, Long> serverByDomain) {
        this.sequenceByDomain = sequenceByDomain;
        this.serverByDomain = serverByDomain;
    }

    public static MariaDbGtidPosition parse(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        Map<Long, Long> sequences = new TreeMap<>();
        Map<Long, Long> servers = new TreeMap<>();
        for (String gtid : text.split(",")) {
            String[] parts = gtid.trim().split("-");
            if (parts.length != 3) {
                throw new IllegalArgumentException("Not a MariaDB GTID position: \"" + text
                        + "\"; expected domain-server-sequence[,…] such as 0-1-42");
            }
            try {
                long domain = Long.parseUnsignedLong(parts[0]);
                long server = Long.parseUnsignedLong(parts[1]);
                long sequence = Long.parseUnsignedLong(parts[2]);
                if (sequences.put(domain, sequence) != null) {
                    throw new IllegalArgumentException(
                            "MariaDB GTID position \"" + text + "\" names domain " + domain + " twice");
                }
                servers.put(domain, server);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "Not a MariaDB GTID position: \"" + text
                                + "\"; expected domain-server-sequence[,…] such as 0-1-42",
                        e);
            }
        }
        return new MariaDbGtidPosition(Map.copyOf(sequences), Map.copyOf(servers));
    }

    @Override
    public boolean covers(ReplicationPosition other) {
        if (!(other instanceof MariaDbGtidPosition gtid)) {
            throw new IllegalArgumentException("Cannot compare a MariaDB GTID position with " + other);
        }
        for (Map.Entry<Long, Long> needed : gtid.sequenceByDomain.entrySet()) {
            Long have = sequenceByDomain.get(needed.getKey());
            if (have == null || Long.compareUnsigned(have, needed.getValue()) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ReplicationPosition mergedWith(ReplicationPosition other) {
        if (!(other instanceof MariaDbGtidPosition gtid)) {
            throw new IllegalArgumentException("Cannot merge a MariaDB GTID position with " + other);
        }
        if (covers(gtid)) {
            return this;
        }
        if (gtid.covers(this)) {
            return gtid;
        }
        Map<Long, Long> sequences = new TreeMap<>(sequenceByDomain);
        Map<Long, Long> servers = new TreeMap<>(serverByDomain);
        gtid.sequenceByDomain.forEach((domain, sequence) -> {
            Long have = sequences.get(domain);
            if (have == null || Long.compareUnsigned(have, sequence) < 0) {
                sequences.put(domain, sequence);
                servers.put(domain, gtid.serverByDomain.get(domain));
            }
        });
        return new MariaDbGtidPosition(Map.copyOf(sequences), Map.copyOf(servers));
    }

    @Override
    public String text() {
        return new TreeMap<>(sequenceByDomain)
                .entrySet().stream()
                        .map(e -> e.getKey() + "-" + serverByDomain.get(e.getKey()) + "-" + e.getValue())
                        .collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MariaDbGtidPosition gtid && sequenceByDomain.equals(gtid.sequenceByDomain);
    }

    @Override
    public int hashCode() {
        return sequenceByDomain.hashCode();
    }

    @Override
    public String toString() {
        return text();
    }
}
