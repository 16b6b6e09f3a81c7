package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The sample legacy app protected as docs/deploying-on-tomcat.md says, and what it must then do, whichever
 * Tomcat runs it: the doc's steps on a copy of the app (static methods) and one copy of the checks every
 * container must pass (instance methods, over the app deployed at {@code /orders}). The users are alice
 * ({@code user,admin}, password {@code alice-password}) and bob ({@code user}, {@code bob-password}).
 */
final class LegacyAppScenario {
    private static final Path DOC = Path.of("docs/deploying-on-tomcat.md");

    private final AppClient app;

    /** @param app requests to the protected app deployed at {@code /orders} */
    LegacyAppScenario(AppClient app) {
        this.app = app;
    }

    /**
     * Step 1 of the doc: the jars of {@code libDirectory} into the app's WEB-INF/lib, except those
     * {@code keptOut} picks (they belong in the container's lib/), which are returned.
     */
    static List<Path> copyJars(Path libDirectory, Path app, Predicate<Path> keptOut) throws IOException {
        Path lib = Files.createDirectories(app.resolve("WEB-INF/lib"));
        List<Path> left = new ArrayList<>();
        try (Stream<Path> jars = Files.list(libDirectory)) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                if (keptOut.test(jar)) {
                    left.add(jar);
                } else {
                    Files.copy(jar, lib.resolve(jar.getFileName()));
                }
            }
        }
        return left;
    }

    /** Step 2 of the doc: the login page and its two static files, from {@code war}. */
    static void copyLoginPage(Path war, Path app) throws IOException {
        try (ZipFile zip = new ZipFile(war.toFile())) {
            for (String name : List.of("login.jsp", "static/holdfast.css", "static/login.js")) {
                ZipEntry entry = zip.getEntry(name);
                Files.createDirectories(app.resolve(name).getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, app.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Step 4 of the doc: its web.xml block, the same for Tomcat 9 and 10.1, into the app's web.xml. */
    static void addTheDocsWebXmlBlock(Path app) throws IOException {
        Path webXml = app.resolve("WEB-INF/web.xml");
        Files.writeString(webXml, Files.readString(webXml).replace("</web-app>", webXmlBlockOfTheDoc() + "\n</web-app>"));
    }

    /** The one ```xml block of section 4 of the doc, taken from the doc itself so the doc cannot drift from what works. */
    static String webXmlBlockOfTheDoc() throws IOException {
        String doc = Files.readString(DOC);
        int section = doc.indexOf("\n## 4.");
        int start = doc.indexOf("```xml\n", section) + "```xml\n".length();
        int end = doc.indexOf("```", start);
        assertTrue(section > 0 && start > section && end > start, "section 4 of " + DOC + " has an xml block");
        return doc.substring(start, end);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    void sendsABrowserToTheLoginPageAndKeepsThePageItAskedFor() throws Exception {
        HttpResponse<String> response = app.send(app.get("/orders.jsp").header("Accept", "text/html"));

        assertEquals(302, response.statusCode());
        String location = response.headers().firstValue("Location").orElse("");
        assertTrue(location.endsWith("/orders/login.jsp?next=%2Forders.jsp"), location);
        assertEquals(200, app.send(app.get("/login.jsp?next=%2Forders.jsp")).statusCode());
    }

    void theLegacyPagesSeeTheSignedInUserAndRolesThroughTheServletApi() throws Exception {
        String token = tokenFor("alice", "alice-password");

        HttpResponse<String> whoami = app.send(app.get("/whoami.jsp").header("Authorization", "Bearer " + token));

        assertEquals(200, whoami.statusCode());
        assertEquals("user=alice\nprincipal=alice\nauthType=BEARER\nuser-role=true\nadmin-role=true",
                whoami.body().strip());
    }

    void refusesTheAdminPageToAUserWithoutTheRoleAndAWrongPasswordWith401() throws Exception {
        String bob = tokenFor("bob", "bob-password");
        String alice = tokenFor("alice", "alice-password");

        assertEquals(403, app.send(app.get("/manage.jsp").header("Authorization", "Bearer " + bob)).statusCode());
        HttpResponse<String> admin = app.send(app.get("/manage.jsp").header("Authorization", "Bearer " + alice));
        assertEquals(200, admin.statusCode());
        assertTrue(admin.body().contains("Manage users"), admin.body());
        assertEquals(401, app.send(app.formLogin("bob", "not-bobs-password")).statusCode());
    }

    void aBrowserFormLoginLandsOnNextWithTheCookieAndTheLegacyPageKnowsTheUser() throws Exception {
        HttpResponse<String> login = app.send(app.post("/auth/login", AppClient.FORM,
                "username=bob&password=" + AppClient.encode("bob-password") + "&next=" + AppClient.encode("/orders.jsp"))
                .header("Accept", "text/html"));

        assertEquals(303, login.statusCode());
        assertTrue(login.headers().firstValue("Location").orElse("").endsWith("/orders/orders.jsp"),
                login.headers().toString());
        HttpResponse<String> orders = app.send(app.get("/orders.jsp").header("Accept", "text/html")
                .header("Cookie", AppClient.cookie(login)));
        assertEquals(200, orders.statusCode());
        assertTrue(orders.body().contains("Refunds need the admin role."), orders.body());
    }

    void aLoggedOutTokenIsRefused() throws Exception {
        String token = tokenFor("bob", "bob-password");

        HttpResponse<String> logout = app.send(HttpRequest.newBuilder(app.uri("/auth/logout"))
                .header("Authorization", "Bearer " + token).header("Accept", AppClient.JSON)
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(204, logout.statusCode());
        assertEquals(401, app.send(app.get("/whoami.jsp").header("Authorization", "Bearer " + token)).statusCode());
    }

    private String tokenFor(String username, String password) throws Exception {
        HttpResponse<String> response = app.send(app.formLogin(username, password));
        assertEquals(200, response.statusCode(), response.body());
        return AppClient.token(response);
    }
}
