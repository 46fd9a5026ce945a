package dev.junction.workloads;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A YCSB-like mix over {@code usertable(ycsb_key int primary key, field0..field4 varchar)}, every operation its own
 * transaction: 50 % read (one SELECT by key), 15 % scan (10 rows from a key on), 15 % update (one field by key),
 * 5 % insert (a new key above all others), 15 % read-modify-write (the read's SELECT by key, then an UPDATE by key,
 * no {@code FOR UPDATE}). Keys are zipfian (constant 0.99, {@link ZipfianKeys}) over the {@value #RECORDS} loaded rows;
 * inserts add keys above them that later operations do not draw.
 *
 * <p>{@code field0} is a counter as text: only read-modify-write changes it, from the value it read to that plus one,
 * with the update guarded by the value read ({@code ... AND field0 = ?}), so that the sum of {@code field0} equals the
 * number of committed read-modify-writes whatever the isolation level and routing; a guard that matches no row is a
 * lost race ({@link Operation.LostRace}), rolled back and run again. The read and the read-modify-write begin with the
 * same statement text, as they would in an application that reads a record the same way before deciding what to do.
 */
public final class YcsbMix implements TransactionMix {
    static final int RECORDS = 2_000;
    private static final String READ =
            "SELECT field0, field1, field2, field3, field4 FROM usertable WHERE ycsb_key = ?";
    private static final String SCAN = "SELECT ycsb_key, field0, field1, field2, field3, field4 FROM usertable"
            + " WHERE ycsb_key >= ? ORDER BY ycsb_key LIMIT 10";
    private static final String UPDATE = "UPDATE usertable SET field1 = ? WHERE ycsb_key = ?";
    private static final String INSERT =
            "INSERT INTO usertable (ycsb_key, field0, field1, field2, field3, field4) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String GUARDED_UPDATE =
            "UPDATE usertable SET field0 = ?, field2 = ? WHERE ycsb_key = ? AND field0 = ?";

    private final ZipfianKeys keys = new ZipfianKeys(RECORDS);
    private final AtomicInteger nextInsertKey = new AtomicInteger(RECORDS);
    private final AtomicLong committedReadModifyWrites = new AtomicLong();
    private final AtomicLong committedInserts = new AtomicLong();
    private long baseRows = RECORDS;
    private long baseCounter;

    @Override
    public String name() {
        return "ycsb";
    }

    @Override
    public String description() {
        return "YCSB-like: " + RECORDS + " rows, zipfian keys (0.99); read 50 %, scan 15 %, update 15 %, insert 5 %,"
                + " read-modify-write 15 %";
    }

    @Override
    public void load(Connection primary, Dialect dialect) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS usertable");
            String text = dialect.text();
            statement.execute("CREATE TABLE usertable (ycsb_key INT PRIMARY KEY, field0 " + text + ", field1 " + text
                    + ", field2 " + text + ", field3 " + text + ", field4 " + text + ")");
        }
        SplittableRandom random = new SplittableRandom(42);
        try (PreparedStatement insert = primary.prepareStatement(INSERT)) {
            for (int key = 0; key < RECORDS; key++) {
                bindRow(insert, key, random);
                insert.addBatch();
                if (key % 500 == 499) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        if (!primary.getAutoCommit()) {
            primary.commit();
        }
        prepare(primary);
    }

    private static void bindRow(PreparedStatement insert, int key, SplittableRandom random) throws SQLException {
        insert.setInt(1, key);
        insert.setString(2, "0");
        for (int field = 3; field <= 6; field++) {
            insert.setString(field, text(random));
        }
    }

    private static String text(SplittableRandom random) {
        char[] chars = new char[32];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    @Override
    public void prepare(Connection primary) throws SQLException {
        nextInsertKey.set((int) Digest.number(primary, "SELECT COALESCE(MAX(ycsb_key), -1) + 1 FROM usertable"));
        baseRows = Digest.number(primary, "SELECT COUNT(*) FROM usertable");
        baseCounter = counterSum(primary);
        committedInserts.set(0);
        committedReadModifyWrites.set(0);
    }

    private static long counterSum(Connection primary) throws SQLException {
        long sum = 0;
        try (Statement statement = primary.createStatement();
                ResultSet rows = statement.executeQuery("SELECT field0 FROM usertable")) {
            while (rows.next()) {
                sum += Long.parseLong(rows.getString(1));
            }
        }
        return sum;
    }

    @Override
    public Operation next(SplittableRandom random) {
        int draw = random.nextInt(100);
        int key = keys.next(random);
        if (draw < 50) {
            return new Read(key);
        }
        if (draw < 65) {
            return new Scan(key);
        }
        if (draw < 80) {
            return new Update(key, text(random));
        }
        if (draw < 85) {
            return new Insert(nextInsertKey.getAndIncrement(), random.split());
        }
        return new ReadModifyWrite(key, text(random));
    }

    @Override
    public List<String> violations(Connection primary) throws SQLException {
        List<String> violations = new ArrayList<>();
        long rows = Digest.number(primary, "SELECT COUNT(*) FROM usertable");
        long expectedRows = baseRows + committedInserts.get();
        if (rows != expectedRows) {
            violations.add("usertable has " + rows + " rows, expected " + expectedRows + " (" + baseRows + " + "
                    + committedInserts.get() + " committed inserts)");
        }
        long counter = counterSum(primary);
        long expectedCounter = baseCounter + committedReadModifyWrites.get();
        if (counter != expectedCounter) {
            violations.add("sum of field0 is " + counter + ", expected " + expectedCounter + " (" + baseCounter + " + "
                    + committedReadModifyWrites.get() + " committed read-modify-writes)");
        }
        return violations;
    }

    @Override
    public String digest(Connection primary) throws SQLException {
        return new Digest()
                .add(primary, "SELECT * FROM usertable ORDER BY ycsb_key")
                .hex();
    }

    private record Read(int key) implements Operation {
        @Override
        public String name() {
            return "read";
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public void run(TransactionSession session) throws SQLException {
            session.query(READ, key);
        }
    }

    private record Scan(int key) implements Operation {
        @Override
        public String name() {
            return "scan";
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public void run(TransactionSession session) throws SQLException {
            session.query(SCAN, key);
        }
    }

    private record Update(int key, String value) implements Operation {
        @Override
        public String name() {
            return "update";
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void run(TransactionSession session) throws SQLException {
            session.update(UPDATE, value, key);
        }
    }

    private final class Insert implements Operation {
        private final int key;
        private final String[] fields = new String[4];

        Insert(int key, SplittableRandom random) {
            this.key = key;
            for (int i = 0; i < fields.length; i++) {
                fields[i] = text(random);
            }
        }

        @Override
        public String name() {
            return "insert";
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void run(TransactionSession session) throws SQLException {
            session.update(INSERT, key, "0", fields[0], fields[1], fields[2], fields[3]);
        }

        @Override
        public void committed() {
            committedInserts.incrementAndGet();
        }
    }

    private final class ReadModifyWrite implements Operation {
        private final int key;
        private final String value;

        ReadModifyWrite(int key, String value) {
            this.key = key;
            this.value = value;
        }

        @Override
        public String name() {
            return "rmw";
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void run(TransactionSession session) throws SQLException, LostRace {
            List<Object[]> rows = session.query(READ, key);
            String counter = (String) rows.get(0)[0];
            String next = Long.toString(Long.parseLong(counter) + 1);
            if (session.update(GUARDED_UPDATE, next, value, key, counter) != 1) {
                throw new LostRace("field0 of key " + key + " changed since it was read");
            }
        }

        @Override
        public void committed() {
            committedReadModifyWrites.incrementAndGet();
        }
    }
}
