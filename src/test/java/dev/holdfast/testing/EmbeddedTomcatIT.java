package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built WAR in a real embedded Tomcat 10.1, with a tomcat-dbcp JNDI DataSource and context parameters. */
class EmbeddedTomcatIT {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static EmbeddedTomcat tomcat;

    @BeforeAll
    static void deploy() throws Exception {
        TestDatabase database = TestDatabase.shared();
        String url = database.createDatabaseWithSchema("tomcat_harness");
        tomcat = EmbeddedTomcat.builder()
                .contextParameters(Map.of(
                        "holdfast.jwt.secret", TestSecrets.hmacSetting(),
                        "holdfast.db.jndi", "java:comp/env/jdbc/users",
                        "holdfast.test.marker", "set <by> the harness"))
                .dataSource("jdbc/users", url, database.user(), database.password() == null ? "" : database.password())
                .start();
    }

    @AfterAll
    static void undeploy() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void servesThePublicJspFromTheBuiltWar() throws Exception {
        HttpResponse<String> response = get("/index.jsp");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
                response.headers().toString());
        assertTrue(response.body().contains("Logins that hold when the database doesn"), response.body());
    }

    @Test
    void servesAStaticFileFromTheBuiltWar() throws Exception {
        HttpResponse<String> response = get("/static/holdfast.css");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/css"),
                response.headers().toString());
        assertTrue(response.body().contains("--accent"), "the stylesheet's own text");
    }

    @Test
    void givesTheApplicationTheContextParametersLikeContextXmlParameters() {
        assertEquals("set <by> the harness", tomcat.servletContext().getInitParameter("holdfast.test.marker"));
        assertEquals("java:comp/env/jdbc/users", tomcat.servletContext().getInitParameter("holdfast.db.jndi"));
    }

    @Test
    void bindsAWorkingJndiDataSourceFromTomcatDbcp() throws Exception {
        Object bound = tomcat.lookup("jdbc/users");

        DataSource dataSource = assertInstanceOf(DataSource.class, bound);
        assertTrue(bound.getClass().getName().startsWith("org.apache.tomcat.dbcp."), bound.getClass().getName());
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT 41 + 1")) {
            assertTrue(rows.next());
            assertEquals(42, rows.getInt(1));
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(tomcat.uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
