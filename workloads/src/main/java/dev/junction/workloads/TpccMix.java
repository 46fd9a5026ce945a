package dev.junction.workloads;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A small TPC-C-like mix: 1 warehouse, {@value #DISTRICTS} districts of {@value #CUSTOMERS} customers, {@value #ITEMS}
 * items, no initial orders; the standard minimum mix, NewOrder 45 %, Payment 43 %, OrderStatus 4 %, Delivery 4 %,
 * StockLevel 4 %. Simplified from the specification: customers and items are uniform (no NURand), customers by id only
 * (never by last name), 5 to 10 lines per order all from the one warehouse, no intended 1 % NewOrder rollback, money as
 * integer cents and instants as numbers drawn from the seed (so a run is reproducible). The statements follow the
 * specification's profiles: NewOrder reads the customer and the warehouse, then the district {@code FOR UPDATE}
 * (where an optimistic transaction moves to the primary), and per line the item, the stock {@code FOR UPDATE} (lines
 * in item order, so two NewOrders never deadlock on stock), the stock update and the line; Payment begins with its
 * warehouse update; Delivery takes the oldest new order of each district with a plain read and skips the district when
 * a concurrent Delivery deleted it first.
 *
 * <p>{@link #violations} checks the specification's consistency conditions 1 to 4 and those of payments and
 * deliveries: warehouse YTD = sum of district YTD = sum of history amounts; per district, next order id − 1 = orders =
 * max order id, new orders contiguous and equal to the undelivered orders, order-line counts of the orders = order lines;
 * stock order counts = order lines; payments counted per customer = history rows; deliveries counted per customer =
 * delivered orders; sum of customer balances = delivered line amounts − payments.
 */
public final class TpccMix implements TransactionMix {
    static final int DISTRICTS = 4;
    static final int CUSTOMERS = 30;
    static final int ITEMS = 500;
    private static final int WAREHOUSE = 1;

    @Override
    public String name() {
        return "tpcc";
    }

    @Override
    public String description() {
        return "TPC-C-like: 1 warehouse, " + DISTRICTS + " districts × " + CUSTOMERS + " customers, " + ITEMS
                + " items; NewOrder 45 %, Payment 43 %, OrderStatus 4 %, Delivery 4 %, StockLevel 4 %, uniform keys";
    }

    @Override
    public void load(Connection primary, Dialect dialect) throws SQLException {
        String text = dialect.text();
        String big = dialect.bigint();
        try (Statement s = primary.createStatement()) {
            for (String table : List.of(
                    "order_line",
                    "new_order",
                    "oorder",
                    "history",
                    "stock",
                    "item",
                    "customer",
                    "district",
                    "warehouse")) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            s.execute(
                    "CREATE TABLE warehouse (w_id INT PRIMARY KEY, w_name " + text + ", w_tax INT, w_ytd " + big + ")");
            s.execute("CREATE TABLE district (d_w_id INT, d_id INT, d_name " + text + ", d_tax INT, d_ytd " + big
                    + ", d_next_o_id INT, PRIMARY KEY (d_w_id, d_id))");
            s.execute("CREATE TABLE customer (c_w_id INT, c_d_id INT, c_id INT, c_first " + text + ", c_last " + text
                    + ", c_credit " + text + ", c_discount INT, c_balance " + big + ", c_ytd_payment " + big
                    + ", c_payment_cnt INT, c_delivery_cnt INT, PRIMARY KEY (c_w_id, c_d_id, c_id))");
            s.execute("CREATE TABLE history (h_c_id INT, h_c_d_id INT, h_c_w_id INT, h_d_id INT, h_w_id INT, h_date "
                    + big + ", h_amount " + big + ", h_data " + text + ")");
            s.execute("CREATE TABLE oorder (o_w_id INT, o_d_id INT, o_id INT, o_c_id INT, o_entry_d " + big
                    + ", o_carrier_id INT, o_ol_cnt INT, PRIMARY KEY (o_w_id, o_d_id, o_id))");
            s.execute("CREATE TABLE new_order (no_w_id INT, no_d_id INT, no_o_id INT,"
                    + " PRIMARY KEY (no_w_id, no_d_id, no_o_id))");
            s.execute("CREATE TABLE order_line (ol_w_id INT, ol_d_id INT, ol_o_id INT, ol_number INT, ol_i_id INT,"
                    + " ol_supply_w_id INT, ol_delivery_d " + big + ", ol_quantity INT, ol_amount " + big
                    + ", PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id, ol_number))");
            s.execute("CREATE TABLE item (i_id INT PRIMARY KEY, i_name " + text + ", i_price " + big + ", i_data "
                    + text + ")");
            s.execute("CREATE TABLE stock (s_w_id INT, s_i_id INT, s_quantity INT, s_ytd " + big
                    + ", s_order_cnt INT, s_remote_cnt INT, s_data " + text + ", PRIMARY KEY (s_w_id, s_i_id))");
            s.execute("INSERT INTO warehouse VALUES (" + WAREHOUSE + ", 'W1', 1000, 0)");
        }
        SplittableRandom random = new SplittableRandom(7);
        batch(primary, "INSERT INTO district VALUES (?, ?, ?, ?, 0, 1)", DISTRICTS, (p, i) -> {
            p.setInt(1, WAREHOUSE);
            p.setInt(2, i + 1);
            p.setString(3, "D" + (i + 1));
            p.setInt(4, random.nextInt(2000));
        });
        batch(
                primary,
                "INSERT INTO customer VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0)",
                DISTRICTS * CUSTOMERS,
                (p, i) -> {
                    p.setInt(1, WAREHOUSE);
                    p.setInt(2, i / CUSTOMERS + 1);
                    p.setInt(3, i % CUSTOMERS + 1);
                    p.setString(4, "first" + i);
                    p.setString(5, "last" + (i % 100));
                    p.setString(6, random.nextInt(10) == 0 ? "BC" : "GC");
                    p.setInt(7, random.nextInt(5000));
                });
        batch(primary, "INSERT INTO item VALUES (?, ?, ?, ?)", ITEMS, (p, i) -> {
            p.setInt(1, i + 1);
            p.setString(2, "item" + (i + 1));
            p.setLong(3, 100 + random.nextInt(9901));
            p.setString(4, "data" + i);
        });
        batch(primary, "INSERT INTO stock VALUES (?, ?, ?, 0, 0, 0, ?)", ITEMS, (p, i) -> {
            p.setInt(1, WAREHOUSE);
            p.setInt(2, i + 1);
            p.setInt(3, 10 + random.nextInt(91));
            p.setString(4, "stock" + i);
        });
        if (!primary.getAutoCommit()) {
            primary.commit();
        }
    }

    private interface Binder {
        void bind(PreparedStatement statement, int row) throws SQLException;
    }

    private static void batch(Connection connection, String sql, int rows, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < rows; i++) {
                binder.bind(statement, i);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    @Override
    public void prepare(Connection primary) {
        // Nothing to read: every transaction finds what it needs in the tables.
    }

    @Override
    public Operation next(SplittableRandom random) {
        int draw = random.nextInt(100);
        int district = 1 + random.nextInt(DISTRICTS);
        int customer = 1 + random.nextInt(CUSTOMERS);
        long now = random.nextLong(1_000_000_000L);
        if (draw < 45) {
            int lines = 5 + random.nextInt(6);
            TreeSet<Integer> items = new TreeSet<>();
            while (items.size() < lines) {
                items.add(1 + random.nextInt(ITEMS));
            }
            int[] quantities = new int[lines];
            for (int i = 0; i < lines; i++) {
                quantities[i] = 1 + random.nextInt(10);
            }
            return new NewOrder(
                    district,
                    customer,
                    items.stream().mapToInt(Integer::intValue).toArray(),
                    quantities,
                    now);
        }
        if (draw < 88) {
            return new Payment(district, customer, 100 + random.nextInt(500_000), now);
        }
        if (draw < 92) {
            return new OrderStatus(district, customer);
        }
        if (draw < 96) {
            return new Delivery(1 + random.nextInt(10), now);
        }
        return new StockLevel(district, 10 + random.nextInt(11));
    }

    private record NewOrder(int district, int customer, int[] items, int[] quantities, long now) implements Operation {
        @Override
        public String name() {
            return "NewOrder";
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void run(TransactionSession s) throws SQLException {
            s.query(
                    "SELECT c_discount, c_last, c_credit FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?",
                    WAREHOUSE,
                    district,
                    customer);
            s.query("SELECT w_tax FROM warehouse WHERE w_id = ?", WAREHOUSE);
            long orderId = s.number(
                    -1,
                    "SELECT d_next_o_id, d_tax FROM district WHERE d_w_id = ? AND d_id = ? FOR UPDATE",
                    WAREHOUSE,
                    district);
            s.update(
                    "UPDATE district SET d_next_o_id = ? WHERE d_w_id = ? AND d_id = ?",
                    orderId + 1,
                    WAREHOUSE,
                    district);
            s.update(
                    "INSERT INTO oorder (o_w_id, o_d_id, o_id, o_c_id, o_entry_d, o_ol_cnt) VALUES (?, ?, ?, ?, ?, ?)",
                    WAREHOUSE,
                    district,
                    orderId,
                    customer,
                    now,
                    items.length);
            s.update(
                    "INSERT INTO new_order (no_w_id, no_d_id, no_o_id) VALUES (?, ?, ?)", WAREHOUSE, district, orderId);
            for (int line = 0; line < items.length; line++) {
                long price = s.number(-1, "SELECT i_price, i_name, i_data FROM item WHERE i_id = ?", items[line]);
                long stock = s.number(
                        -1,
                        "SELECT s_quantity, s_data FROM stock WHERE s_w_id = ? AND s_i_id = ? FOR UPDATE",
                        WAREHOUSE,
                        items[line]);
                int quantity = quantities[line];
                long left = stock - quantity >= 10 ? stock - quantity : stock - quantity + 91;
                s.update(
                        "UPDATE stock SET s_quantity = ?, s_ytd = s_ytd + ?, s_order_cnt = s_order_cnt + 1"
                                + " WHERE s_w_id = ? AND s_i_id = ?",
                        left,
                        quantity,
                        WAREHOUSE,
                        items[line]);
                s.update(
                        "INSERT INTO order_line (ol_w_id, ol_d_id, ol_o_id, ol_number, ol_i_id, ol_supply_w_id,"
                                + " ol_quantity, ol_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        WAREHOUSE,
                        district,
                        orderId,
                        line + 1,
                        items[line],
                        WAREHOUSE,
                        quantity,
                        quantity * price);
            }
        }
    }

    private record Payment(int district, int customer, long amount, long now) implements Operation {
        @Override
        public String name() {
            return "Payment";
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void run(TransactionSession s) throws SQLException {
            s.update("UPDATE warehouse SET w_ytd = w_ytd + ? WHERE w_id = ?", amount, WAREHOUSE);
            s.query("SELECT w_name FROM warehouse WHERE w_id = ?", WAREHOUSE);
            s.update(
                    "UPDATE district SET d_ytd = d_ytd + ? WHERE d_w_id = ? AND d_id = ?", amount, WAREHOUSE, district);
            s.query("SELECT d_name FROM district WHERE d_w_id = ? AND d_id = ?", WAREHOUSE, district);
            s.query(
                    "SELECT c_first, c_last, c_credit, c_balance FROM customer WHERE c_w_id = ? AND c_d_id = ?"
                            + " AND c_id = ?",
                    WAREHOUSE,
                    district,
                    customer);
            s.update(
                    "UPDATE customer SET c_balance = c_balance - ?, c_ytd_payment = c_ytd_payment + ?,"
                            + " c_payment_cnt = c_payment_cnt + 1 WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?",
                    amount,
                    amount,
                    WAREHOUSE,
                    district,
                    customer);
            s.update(
                    "INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    customer,
                    district,
                    WAREHOUSE,
                    district,
                    WAREHOUSE,
                    now,
                    amount,
                    "W1    D" + district);
        }
    }

    private record OrderStatus(int district, int customer) implements Operation {
        @Override
        public String name() {
            return "OrderStatus";
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public void run(TransactionSession s) throws SQLException {
            s.query(
                    "SELECT c_first, c_last, c_balance FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?",
                    WAREHOUSE,
                    district,
                    customer);
            long order = s.number(
                    -1,
                    "SELECT o_id, o_entry_d, o_carrier_id FROM oorder WHERE o_w_id = ? AND o_d_id = ? AND o_c_id = ?"
                            + " ORDER BY o_id DESC LIMIT 1",
                    WAREHOUSE,
                    district,
                    customer);
            if (order >= 0) {
                s.query(
                        "SELECT ol_i_id, ol_supply_w_id, ol_quantity, ol_amount, ol_delivery_d FROM order_line"
                                + " WHERE ol_w_id = ? AND ol_d_id = ? AND ol_o_id = ?",
                        WAREHOUSE,
                        district,
                        order);
            }
        }
    }

    private record Delivery(int carrier, long now) implements Operation {
        @Override
        public String name() {
            return "Delivery";
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public void run(TransactionSession s) throws SQLException {
            for (int district = 1; district <= DISTRICTS; district++) {
                long order = s.number(
                        -1,
                        "SELECT MIN(no_o_id) FROM new_order WHERE no_w_id = ? AND no_d_id = ?",
                        WAREHOUSE,
                        district);
                if (order < 0
                        || s.update(
                                        "DELETE FROM new_order WHERE no_w_id = ? AND no_d_id = ? AND no_o_id = ?",
                                        WAREHOUSE,
                                        district,
                                        order)
                                == 0) {
                    continue; // none waiting, or a concurrent Delivery took it
                }
                long customer = s.number(
                        -1,
                        "SELECT o_c_id FROM oorder WHERE o_w_id = ? AND o_d_id = ? AND o_id = ?",
                        WAREHOUSE,
                        district,
                        order);
                s.update(
                        "UPDATE oorder SET o_carrier_id = ? WHERE o_w_id = ? AND o_d_id = ? AND o_id = ?",
                        carrier,
                        WAREHOUSE,
                        district,
                        order);
                s.update(
                        "UPDATE order_line SET ol_delivery_d = ? WHERE ol_w_id = ? AND ol_d_id = ? AND ol_o_id = ?",
                        now,
                        WAREHOUSE,
                        district,
                        order);
                long total = s.number(
                        0,
                        "SELECT SUM(ol_amount) FROM order_line WHERE ol_w_id = ? AND ol_d_id = ? AND ol_o_id = ?",
                        WAREHOUSE,
                        district,
                        order);
                s.update(
                        "UPDATE customer SET c_balance = c_balance + ?, c_delivery_cnt = c_delivery_cnt + 1"
                                + " WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?",
                        total,
                        WAREHOUSE,
                        district,
                        customer);
            }
        }
    }

    private record StockLevel(int district, int threshold) implements Operation {
        @Override
        public String name() {
            return "StockLevel";
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public void run(TransactionSession s) throws SQLException {
            long next =
                    s.number(1, "SELECT d_next_o_id FROM district WHERE d_w_id = ? AND d_id = ?", WAREHOUSE, district);
            s.query(
                    "SELECT COUNT(DISTINCT s.s_i_id) FROM order_line ol JOIN stock s ON s.s_w_id = ol.ol_w_id"
                            + " AND s.s_i_id = ol.ol_i_id WHERE ol.ol_w_id = ? AND ol.ol_d_id = ? AND ol.ol_o_id < ?"
                            + " AND ol.ol_o_id >= ? AND s.s_quantity < ?",
                    WAREHOUSE,
                    district,
                    next,
                    next - 20,
                    threshold);
        }
    }

    @Override
    public List<String> violations(Connection primary) throws SQLException {
        List<String> violations = new ArrayList<>();
        check(
                violations,
                primary,
                "warehouse YTD = sum of district YTD (condition 1)",
                "SELECT w_ytd FROM warehouse",
                "SELECT SUM(d_ytd) FROM district");
        check(
                violations,
                primary,
                "warehouse YTD = sum of history amounts",
                "SELECT w_ytd FROM warehouse",
                "SELECT COALESCE(SUM(h_amount), 0) FROM history");
        check(
                violations,
                primary,
                "history rows = payments counted per customer",
                "SELECT COUNT(*) FROM history",
                "SELECT SUM(c_payment_cnt) FROM customer");
        check(
                violations,
                primary,
                "delivered orders = deliveries counted per customer",
                "SELECT COUNT(*) FROM oorder WHERE o_carrier_id IS NOT NULL",
                "SELECT SUM(c_delivery_cnt) FROM customer");
        check(
                violations,
                primary,
                "stock order counts = order lines",
                "SELECT SUM(s_order_cnt) FROM stock",
                "SELECT COUNT(*) FROM order_line");
        check(
                violations,
                primary,
                "sum of balances = delivered line amounts - payments",
                "SELECT SUM(c_balance) FROM customer",
                "SELECT (SELECT COALESCE(SUM(ol_amount), 0) FROM order_line WHERE ol_delivery_d IS NOT NULL)"
                        + " - (SELECT COALESCE(SUM(h_amount), 0) FROM history)");
        for (int d = 1; d <= DISTRICTS; d++) {
            String district = " AND %s_d_id = " + d;
            String orders = "FROM oorder WHERE o_w_id = 1" + district.formatted("o");
            String newOrders = "FROM new_order WHERE no_w_id = 1" + district.formatted("no");
            check(
                    violations,
                    primary,
                    "district " + d + ": next order id - 1 = orders (condition 2)",
                    "SELECT d_next_o_id - 1 FROM district WHERE d_w_id = 1 AND d_id = " + d,
                    "SELECT COUNT(*) " + orders);
            check(
                    violations,
                    primary,
                    "district " + d + ": next order id - 1 = max order id (condition 2)",
                    "SELECT d_next_o_id - 1 FROM district WHERE d_w_id = 1 AND d_id = " + d,
                    "SELECT COALESCE(MAX(o_id), 0) " + orders);
            check(
                    violations,
                    primary,
                    "district " + d + ": new orders are contiguous (condition 3)",
                    "SELECT COUNT(*) " + newOrders,
                    "SELECT COALESCE(MAX(no_o_id) - MIN(no_o_id) + 1, 0) " + newOrders);
            check(
                    violations,
                    primary,
                    "district " + d + ": new orders = undelivered orders",
                    "SELECT COUNT(*) " + newOrders,
                    "SELECT COUNT(*) " + orders + " AND o_carrier_id IS NULL");
            check(
                    violations,
                    primary,
                    "district " + d + ": order-line counts = order lines (condition 4)",
                    "SELECT COALESCE(SUM(o_ol_cnt), 0) " + orders,
                    "SELECT COUNT(*) FROM order_line WHERE ol_w_id = 1 AND ol_d_id = " + d);
        }
        return violations;
    }

    private static void check(List<String> violations, Connection primary, String what, String left, String right)
            throws SQLException {
        long l = Digest.number(primary, left);
        long r = Digest.number(primary, right);
        if (l != r) {
            violations.add(what + ": " + l + " != " + r);
        }
    }

    @Override
    public String digest(Connection primary) throws SQLException {
        return new Digest()
                .add(primary, "SELECT * FROM warehouse ORDER BY w_id")
                .add(primary, "SELECT * FROM district ORDER BY d_w_id, d_id")
                .add(primary, "SELECT * FROM customer ORDER BY c_w_id, c_d_id, c_id")
                .add(primary, "SELECT * FROM history ORDER BY h_date, h_c_d_id, h_c_id, h_amount")
                .add(primary, "SELECT * FROM oorder ORDER BY o_w_id, o_d_id, o_id")
                .add(primary, "SELECT * FROM new_order ORDER BY no_w_id, no_d_id, no_o_id")
                .add(primary, "SELECT * FROM order_line ORDER BY ol_w_id, ol_d_id, ol_o_id, ol_number")
                .add(primary, "SELECT * FROM stock ORDER BY s_w_id, s_i_id")
                .hex();
    }
}
