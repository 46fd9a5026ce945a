package dev.junction.driver.internal.pipeline;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a logical connection has set, so that every physical connection it uses can be brought to the same state
 * before it runs a statement (design §2: switching nodes never changes what a statement sees).
 *
 * <p>Auto-commit, read-only and isolation are plain fields: they decide routing and are cheap to compare. Everything
 * else is an ordered replay log keyed by what it sets: setting the same key again moves it to the end with a new
 * sequence number, and a {@code RESET ALL}/{@code DISCARD ALL} clears the server-side entries before being logged itself, so the log
 * stays as short as the distinct things set. A physical connection remembers the highest sequence it has applied
 * and applies only later entries, in order; entries it skipped because they were replaced are covered by their
 * replacement. Not thread-safe: a logical connection is used by one thread at a time, as JDBC connections are.
 */
public final class SessionSettings {
    private boolean autoCommit = true;
    private boolean readOnly;
    /** Null until the application sets it: the server default applies. */
    private Integer isolation;
    /**
     * Keys of settings that live in the client driver, not in the server session: {@code RESET ALL} and
     * {@code DISCARD ALL} do not undo them, so they survive a reset of the log.
     */
    public static final String CLIENT_SIDE = "client:";

    private final Map<String, SessionChange> log = new LinkedHashMap<>();
    private long sequence;

    public boolean autoCommit() {
        return autoCommit;
    }

    public void autoCommit(boolean value) {
        autoCommit = value;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public void readOnly(boolean value) {
        readOnly = value;
    }

    public Integer isolation() {
        return isolation;
    }

    public void isolation(int level) {
        isolation = level;
    }

    /** Appends a change, replacing an earlier one with the same key; returns its sequence number. */
    long record(String key, String description, SessionChange.Action action) {
        sequence++;
        String effectiveKey = key == null ? "#" + sequence : key;
        if (StatementInfo.RESET_ALL.equals(effectiveKey)) {
            log.keySet().removeIf(existing -> !existing.startsWith(CLIENT_SIDE));
        }
        log.remove(effectiveKey);
        log.put(effectiveKey, new SessionChange(effectiveKey, sequence, description, action));
        return sequence;
    }

    /** The latest sequence number handed out. */
    long sequence() {
        return sequence;
    }

    /** Changes after {@code applied}, in the order to apply them. */
    List<SessionChange> changesAfter(long applied) {
        List<SessionChange> pending = new ArrayList<>();
        for (SessionChange change : log.values()) {
            if (change.sequence() > applied) {
                pending.add(change);
            }
        }
        return pending;
    }

    /** The change logged under {@code key}, or null. */
    SessionChange change(String key) {
        return log.get(key);
    }

    /**
     * Whether the application may have changed server variable {@code variable} in this session: set it, reset
     * everything, or ran a statement whose effect Junction cannot name.
     */
    public boolean mayHaveChanged(String variable) {
        for (String key : log.keySet()) {
            if (key == null || key.equals(variable) || ReplicaGuard.mayLift(key)) {
                return true;
            }
        }
        return false;
    }

    /** Number of entries in the replay log. */
    public int logSize() {
        return log.size();
    }

    /** Drops client-info style entries whose key starts with {@code prefix} (a bulk setClientInfo replaces them). */
    public void removeKeysStartingWith(String prefix) {
        for (Iterator<String> keys = log.keySet().iterator(); keys.hasNext(); ) {
            if (keys.next().startsWith(prefix)) {
                keys.remove();
            }
        }
    }

    /** Whether {@code isolation} is SERIALIZABLE. */
    public boolean isSerializable() {
        return isolation != null && isolation == Connection.TRANSACTION_SERIALIZABLE;
    }
}
