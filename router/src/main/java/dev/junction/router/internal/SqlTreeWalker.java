package dev.junction.router.internal;

import dev.junction.router.Dialect;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlMerge;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Walks a Calcite parse tree and collects the tables a statement reads and writes and the functions
 * it calls. Expressions are walked by {@link SqlBasicVisitor}; FROM clauses and DML targets, where
 * an identifier names a table rather than a column, are handled explicitly.
 */
final class SqlTreeWalker extends SqlBasicVisitor<Void> {

    private final boolean mysql;
    private final Set<String> read = new LinkedHashSet<>();
    private final Set<String> written = new LinkedHashSet<>();
    private final Set<String> functions = new LinkedHashSet<>();
    private final Set<String> cteNames = new HashSet<>();
    private boolean dataModifying;
    private boolean sequenceValue;

    private SqlTreeWalker(Dialect dialect) {
        this.mysql = dialect == Dialect.MYSQL;
    }

    static SqlTreeWalker walk(SqlNode root, Dialect dialect) {
        SqlTreeWalker w = new SqlTreeWalker(dialect);
        root.accept(w);
        w.read.removeAll(w.cteNames);
        w.written.removeAll(w.cteNames);
        return w;
    }

    Set<String> tablesRead() {
        return read;
    }

    Set<String> tablesWritten() {
        return written;
    }

    /** Calls Calcite did not resolve to one of its own built-ins, lower case for MySQL. */
    Set<String> functions() {
        return functions;
    }

    /** An INSERT, UPDATE, DELETE or MERGE appears anywhere in the tree. */
    boolean dataModifying() {
        return dataModifying;
    }

    /** {@code NEXT VALUE FOR} / {@code CURRENT VALUE FOR}. */
    boolean sequenceValue() {
        return sequenceValue;
    }

    @Override
    public Void visit(SqlCall call) {
        if (call instanceof SqlSelect) {
            select((SqlSelect) call);
            return null;
        }
        if (call instanceof SqlWith) {
            SqlWith with = (SqlWith) call;
            for (SqlNode item : with.withList) {
                SqlWithItem w = (SqlWithItem) item;
                cteNames.add(w.name.getSimple());
                accept(w.query);
            }
            accept(with.body);
            return null;
        }
        if (call instanceof SqlOrderBy) {
            SqlOrderBy o = (SqlOrderBy) call;
            accept(o.query);
            accept(o.orderList);
            accept(o.offset);
            accept(o.fetch);
            return null;
        }
        if (call instanceof SqlInsert) {
            SqlInsert insert = (SqlInsert) call;
            dataModifying = true;
            table(insert.getTargetTable(), true);
            accept(insert.getSource());
            return null;
        }
        if (call instanceof SqlUpdate) {
            SqlUpdate update = (SqlUpdate) call;
            dataModifying = true;
            table(update.getTargetTable(), true);
            accept(update.getSourceExpressionList());
            accept(update.getCondition());
            return null;
        }
        if (call instanceof SqlDelete) {
            SqlDelete delete = (SqlDelete) call;
            dataModifying = true;
            table(delete.getTargetTable(), true);
            accept(delete.getCondition());
            return null;
        }
        if (call instanceof SqlMerge) {
            SqlMerge merge = (SqlMerge) call;
            dataModifying = true;
            table(merge.getTargetTable(), true);
            from(merge.getSourceTableRef());
            accept(merge.getCondition());
            SqlUpdate update = merge.getUpdateCall();
            if (update != null) {
                accept(update.getSourceExpressionList());
                accept(update.getCondition());
            }
            SqlInsert insert = merge.getInsertCall();
            if (insert != null) {
                accept(insert.getSource());
            }
            return null;
        }
        if (call instanceof SqlJoin) {
            from(call);
            return null;
        }
        switch (call.getKind()) {
            case NEXT_VALUE:
            case CURRENT_VALUE:
                sequenceValue = true;
                return null;
            case EXPLICIT_TABLE:
                table(call.operand(0), false);
                return null;
            default:
                break;
        }
        if (call.getOperator() instanceof SqlUnresolvedFunction) {
            SqlFunction f = (SqlFunction) call.getOperator();
            SqlIdentifier id = f.getSqlIdentifier();
            String name = id == null ? f.getName() : String.join(".", id.names);
            functions.add(mysql ? name.toLowerCase(Locale.ROOT) : name);
        }
        // Functions Calcite resolved itself (CAST, SUBSTRING, TRANSLATE...) are read-only built-ins.
        for (SqlNode operand : call.getOperandList()) {
            accept(operand);
        }
        return null;
    }

    @Override
    public Void visit(SqlNodeList list) {
        for (SqlNode n : list) {
            accept(n);
        }
        return null;
    }

    private void accept(SqlNode node) {
        if (node != null) {
            node.accept(this);
        }
    }

    private void select(SqlSelect s) {
        from(s.getFrom());
        accept(s.getSelectList());
        accept(s.getWhere());
        accept(s.getGroup());
        accept(s.getHaving());
        accept(s.getWindowList());
        accept(s.getQualify());
        accept(s.getOrderList());
        accept(s.getOffset());
        accept(s.getFetch());
    }

    /** A FROM item: tables, joins, aliases, subqueries, table functions. */
    private void from(SqlNode node) {
        if (node == null) {
            return;
        }
        switch (node.getKind()) {
            case IDENTIFIER:
                table(node, false);
                return;
            case AS:
            case LATERAL:
            case TABLESAMPLE:
            case TABLE_REF:
            case EXTEND:
            case SNAPSHOT: {
                List<SqlNode> operands = ((SqlCall) node).getOperandList();
                from(operands.get(0));
                // The rest are aliases, column lists, hints, sample specs: except the period of FOR
                // SYSTEM_TIME AS OF, which is an expression and may call anything.
                for (int i = 1; i < operands.size(); i++) {
                    accept(operands.get(i));
                }
                return;
            }
            case JOIN: {
                SqlJoin join = (SqlJoin) node;
                from(join.getLeft());
                from(join.getRight());
                accept(join.getCondition());
                return;
            }
            default:
                accept(node); // subquery, VALUES, UNNEST, TABLE(function(...))
        }
    }

    private void table(SqlNode node, boolean write) {
        if (node instanceof SqlIdentifier) {
            String name = String.join(".", ((SqlIdentifier) node).names);
            if (mysql && name.equalsIgnoreCase("dual")) {
                return; // MySQL's pseudo-table for SELECT without FROM
            }
            (write ? written : read).add(name);
        } else if (node != null) {
            // A target such as "t AS x" or "t (cols)" wraps the identifier in a call.
            if (node instanceof SqlCall && !((SqlCall) node).getOperandList().isEmpty()) {
                table(((SqlCall) node).getOperandList().get(0), write);
            }
        }
    }
}
