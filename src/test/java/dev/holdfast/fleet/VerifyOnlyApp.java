package dev.holdfast.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * An application protected by {@code JwtAuthFilter} alone, as the README's "filter alone" section sets one up:
 * {@code target/holdfast-lib/*.jar} and the SLF4J binding the docs suggest in {@code WEB-INF/lib}, the filter
 * on {@code /app/*}, no listener (so no database and no signing key): its settings name a JWKS URL.
 */
final class VerifyOnlyApp {
    static final String PROTECTED_PATH = "/app/ping.txt";
    private static final String WEB_XML = String.join("\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">",
            "  <filter>",
            "    <filter-name>holdfast</filter-name>",
            "    <filter-class>dev.holdfast.JwtAuthFilter</filter-class>",
            "  </filter>",
            "  <filter-mapping>",
            "    <filter-name>holdfast</filter-name>",
            "    <url-pattern>/app/*</url-pattern>",
            "  </filter-mapping>",
            "</web-app>",
            "");

    private VerifyOnlyApp() {
    }

    /** Lays the application out in {@code dir} and returns it. */
    static Path create(Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("WEB-INF/lib"));
        Files.writeString(dir.resolve("WEB-INF/web.xml"), WEB_XML);
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve(PROTECTED_PATH.substring(1)), "pong\n");
        try (Stream<Path> jars = Files.list(Paths.get("target/holdfast-lib"))) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        // Without a binding Holdfast would log nothing; slf4j-jdk14 writes to Tomcat's console, kept per node.
        Path binding = Paths.get(System.getProperty("test.slf4j-jdk14.jar", "target/it/bindings/slf4j-jdk14-2.0.17.jar"));
        Files.copy(binding, lib.resolve(binding.getFileName()));
        return dir;
    }
}
