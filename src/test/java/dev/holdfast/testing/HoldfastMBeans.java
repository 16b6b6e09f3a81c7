package dev.holdfast.testing;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.TreeSet;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** Holdfast's MBeans in this JVM's platform MBean server ({@code holdfast.metrics.jmx}), by application. */
public final class HoldfastMBeans {
    public static final MBeanServer PLATFORM = ManagementFactory.getPlatformMBeanServer();

    private HoldfastMBeans() {
    }

    /** Every MBean of the {@code holdfast} domain. */
    public static Set<ObjectName> all() {
        try {
            return new TreeSet<>(PLATFORM.queryNames(new ObjectName("holdfast:*"), null));
        } catch (MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
    }

    /** The applications ({@code app} key, unquoted) that have MBeans now. */
    public static Set<String> applications() {
        Set<String> applications = new TreeSet<>();
        for (ObjectName name : all()) {
            applications.add(ObjectName.unquote(name.getKeyProperty("app")));
        }
        return applications;
    }

    /** The MBeans of {@code application}. */
    public static Set<ObjectName> of(String application) {
        Set<ObjectName> names = new TreeSet<>();
        for (ObjectName name : all()) {
            if (ObjectName.unquote(name.getKeyProperty("app")).equals(application)) {
                names.add(name);
            }
        }
        return names;
    }
}
