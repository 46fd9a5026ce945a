package dev.junction.driver.internal.pipeline;

import dev.junction.router.TransactionShapes;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The call site of the statement being run, for {@code transactionRouting=learned}: a hash of the application's
 * innermost frames (class and bytecode index each), the driver's own frames skipped. Two transactions begun by
 * the same code path have the same call site; a read and a read-modify-write that start with the same {@code SELECT}
 * from two methods do not, which is what lets {@link TransactionShapes} tell them apart.
 *
 * <p>A stack walk is not cheap: timed inside the driver during a YCSB-like run on this project's machine, 12 to 20 µs
 * per walk (4 to 32 application frames: the walk's set-up on caches gone cold while the thread waited on a socket
 * dominates; a walk in a tight loop takes 4 to 6 µs), and asking each frame's method name, which the JVM resolves
 * frame by frame, added more. So a frame is its class (kept by reference, its name cached by the JVM) and bytecode
 * index, and the walk is taken only for the first statement of a transaction whose shape is mixed, never per
 * statement. {@value #FRAMES} frames reach past a connection pool's proxy and {@code JdbcTemplate}'s layers into the
 * repository and the service that began the transaction; where a framework's own frames are deeper than that (an
 * ORM's flush), every call site of a shape hashes alike and the shape decides, as without call sites.
 */
final class ApplicationCallSite {
    /** Application frames hashed. */
    static final int FRAMES = 20;

    /** The driver and its router: their frames differ with the JDBC method used, not with the application's path. */
    private static final String DRIVER_PACKAGE = "dev.junction.driver.";

    private static final String ROUTER_PACKAGE = "dev.junction.router.";
    /**
     * Frames the walk is expected to cross: the driver's own (a dozen or so) and {@value #FRAMES} of the
     * application's. Told to the walker, it fetches them in one batch; left to its default first batch of 8 it
     * fetched and resized several times per walk (a fifth of the walk's samples in a profile of a YCSB-like run).
     */
    static final int EXPECTED_DEPTH = 48;

    private static final StackWalker WALKER =
            StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), EXPECTED_DEPTH);
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private ApplicationCallSite() {}

    /** The application call site of the statement being run; never {@link TransactionShapes#UNKNOWN_CALL_SITE}. */
    static long current() {
        return WALKER.walk(ApplicationCallSite::hash);
    }

    private static long hash(Stream<StackWalker.StackFrame> stack) {
        Iterator<StackWalker.StackFrame> frames = stack.iterator();
        long hash = 1;
        boolean inDriver = true;
        int hashed = 0;
        while (frames.hasNext() && hashed < FRAMES) {
            StackWalker.StackFrame frame = frames.next();
            String type = frame.getDeclaringClass().getName();
            if (inDriver && (type.startsWith(DRIVER_PACKAGE) || type.startsWith(ROUTER_PACKAGE))) {
                continue; // the driver's frames differ with the JDBC method used, not with the application's path
            }
            inDriver = false;
            hash = (hash ^ type.hashCode()) * MIX;
            hash = (hash ^ frame.getByteCodeIndex()) * MIX;
            hashed++;
        }
        return hash == TransactionShapes.UNKNOWN_CALL_SITE ? 1 : hash;
    }
}
