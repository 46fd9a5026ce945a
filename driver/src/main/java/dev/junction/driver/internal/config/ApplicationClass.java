package dev.junction.driver.internal.config;

import dev.junction.driver.JunctionErrorCode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * An application class named in a property, made into an instance: looked up through the thread context class loader
 * first (an application server's or a fat jar's loader sees the application's classes, which Junction's own loader may
 * not), then through the loader that loaded Junction, as HikariCP does for its {@code exceptionOverrideClassName}.
 * Every way the name can fail to serve is a {@link JunctionErrorCode#INVALID_PROPERTY_CLASS} that says which.
 */
public final class ApplicationClass {
    private ApplicationClass() {}

    /**
     * A new instance of the class called {@code className}, through its public no-argument constructor.
     *
     * @param property the property that names the class, for the message
     * @throws SQLException {@link JunctionErrorCode#INVALID_PROPERTY_CLASS}: no such class, not a {@code type}, not
     *                      public or concrete, no public no-argument constructor, or the constructor threw
     */
    public static <T> T instantiate(String property, String className, Class<T> type) throws SQLException {
        Class<?> found = load(property, className, type);
        if (!type.isAssignableFrom(found)) {
            throw refused(
                    property,
                    className,
                    type,
                    null,
                    implementsAnotherCopy(found, type)
                            ? "the class implements a " + type.getName()
                                    + " loaded by another class loader than Junction's: "
                                    + "deploy one Junction jar, visible to both"
                            : "the class does not implement " + type.getName());
        }
        if (!Modifier.isPublic(found.getModifiers())) {
            throw refused(property, className, type, null, "the class is not public");
        }
        if (found.isInterface() || Modifier.isAbstract(found.getModifiers())) {
            throw refused(
                    property,
                    className,
                    type,
                    null,
                    found.isInterface() ? "it is an interface" : "the class is abstract");
        }
        Constructor<?> constructor;
        try {
            constructor = found.getConstructor();
        } catch (NoSuchMethodException e) {
            boolean inner = found.isMemberClass() && !Modifier.isStatic(found.getModifiers());
            throw refused(
                    property,
                    className,
                    type,
                    null,
                    "the class has no public no-argument constructor"
                            + (inner ? " (an inner class needs its outer instance: make it static)" : ""));
        }
        try {
            return type.cast(constructor.newInstance());
        } catch (InvocationTargetException e) {
            Throwable thrown = e.getCause();
            throw refused(property, className, type, thrown, "its constructor threw " + thrown);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // IllegalAccessException from a module that does not open the package; ExceptionInInitializerError from a
            // static initializer.
            throw refused(property, className, type, e, "it could not be constructed: " + e);
        }
    }

    private static Class<?> load(String property, String className, Class<?> type) throws SQLException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = ApplicationClass.class.getClassLoader();
        ClassNotFoundException notFound = null;
        for (ClassLoader loader : new ClassLoader[] {context, own}) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(className, false, loader);
            } catch (ClassNotFoundException e) {
                notFound = e;
            } catch (LinkageError e) {
                // found, but unusable: a missing dependency, a class file for a newer Java, a name in the wrong case
                throw refused(property, className, type, e, "the class could not be loaded: " + e);
            }
        }
        throw refused(
                property,
                className,
                type,
                notFound,
                "no class of that name is visible to the thread context class loader or to Junction's");
    }

    /** Whether {@code found} implements an interface of {@code type}'s name that another loader defined. */
    private static boolean implementsAnotherCopy(Class<?> found, Class<?> type) {
        Deque<Class<?>> pending = new ArrayDeque<>();
        pending.add(found);
        while (!pending.isEmpty()) {
            Class<?> next = pending.poll();
            if (next.getName().equals(type.getName()) && next != type) {
                return true;
            }
            if (next.getSuperclass() != null) {
                pending.add(next.getSuperclass());
            }
            pending.addAll(List.of(next.getInterfaces()));
        }
        return false;
    }

    private static SQLException refused(
            String property, String className, Class<?> type, Throwable cause, String reason) {
        return JunctionErrorCode.INVALID_PROPERTY_CLASS.exception(cause, className, property, reason, type.getName());
    }
}
