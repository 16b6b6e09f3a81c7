package dev.holdfast;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one deployed application keeps its files when the settings name no directory: {@code <root>/<name>},
 * where
 * <ul>
 *   <li>{@code <root>} is {@code ${user.home}/.holdfast} when the home directory exists and can be written
 *       (persistent, and private to the container's user), else {@code ${java.io.tmpdir}/holdfast-${user.name}}
 *       (and Holdfast warns that it is temporary);</li>
 *   <li>{@code <name>} is the context path made into a file name ({@code ROOT} for the root context,
 *       {@code /shop/v2} becomes {@code shop_v2}), a dash, and 8 hex digits of a SHA-256 of the container
 *       ({@code catalina.base}, else {@code jetty.base}, else the working directory), the virtual host and the
 *       context path. So each application of a container, and the same application in two containers or two
 *       checkouts on one machine, gets its own directory, and the same one after every restart and redeploy.</li>
 * </ul>
 * Not the container's per-context work directory ({@code jakarta.servlet.context.tempdir}): Tomcat deletes it
 * when an application is undeployed or its WAR replaced, and Jetty makes a new one per start unless told
 * otherwise, which would lose spooled writes exactly when an operator redeploys during an outage.
 */
final class ApplicationDirectory {
    private final Path root;
    private final String name;
    private final List<Path> containerTemporary;

    ApplicationDirectory(Path root, String name, List<Path> containerTemporary) {
        this.root = root;
        this.name = name;
        this.containerTemporary = List.copyOf(containerTemporary);
    }

    /**
     * The directory of the application at {@code contextPath} on {@code virtualServer} in this JVM.
     *
     * @param containerTemporary the servlet container's temporary directory for the context, if it gives one
     */
    static ApplicationDirectory of(String contextPath, Optional<String> virtualServer,
                                          Optional<Path> containerTemporary) {
        String container = firstProperty("catalina.base", "jetty.base", "user.dir");
        return new ApplicationDirectory(defaultRoot(), name(container, virtualServer.orElse(""), contextPath),
                containerTemporary.map(List::of).orElse(List.of()));
    }

    /** {@code ${user.home}/.holdfast}, or {@code ${java.io.tmpdir}/holdfast-${user.name}} without a usable home. */
    static Path defaultRoot() {
        String home = System.getProperty("user.home", "");
        if (!home.isEmpty() && !home.equals("?")) {
            Path dir = Paths.get(home);
            if (Files.isDirectory(dir) && Files.isWritable(dir)) {
                return dir.resolve(".holdfast");
            }
        }
        String user = System.getProperty("user.name", "holdfast").replaceAll("[^A-Za-z0-9._-]", "_");
        return Paths.get(System.getProperty("java.io.tmpdir"), "holdfast-" + user);
    }

    /** {@code ROOT-1a2b3c4d}, {@code shop_v2-1a2b3c4d}: readable, and distinct per container, host and path. */
    static String name(String container, String virtualServer, String contextPath) {
        Objects.requireNonNull(contextPath, "contextPath");
        String readable = contextPath.isEmpty() || contextPath.equals("/") ? "ROOT"
                : contextPath.replaceFirst("^/", "").replaceAll("[^A-Za-z0-9._-]", "_");
        if (readable.length() > 64) {
            readable = readable.substring(0, 64);
        }
        if (readable.startsWith(".")) {
            readable = "_" + readable.substring(1);
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest((container + "\n" + virtualServer + "\n" + contextPath)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
        return readable + "-" + String.format("%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
    }

    private static String firstProperty(String... names) {
        for (String property : names) {
            String value = System.getProperty(property);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return "";
    }

    /** Where the application's directories go: {@code <root>}. */
    Path root() {
        return root;
    }

    /** {@code <root>/<name>}. */
    Path base() {
        return root.resolve(name);
    }

    /** {@code <root>/<name>/<part>}, e.g. {@code audit}. */
    Path resolve(String part) {
        return base().resolve(part);
    }

    String name() {
        return name;
    }

    /** The container's temporary directories for this application (wiped on undeploy or restart). */
    List<Path> containerTemporary() {
        return containerTemporary;
    }

    @Override
    public String toString() {
        return base().toString();
    }
}
