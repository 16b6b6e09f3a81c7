package dev.holdfast.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real HTTP to one application protected by Holdfast, whatever container runs it: the container is only a way
 * to turn a path inside the application ({@code /auth/login}) into a URI. Redirects are never followed, so a
 * test sees each 302/303 and its {@code Location}.
 */
public final class AppClient {
    public static final String JSON = "application/json";
    public static final String FORM = "application/x-www-form-urlencoded";
    private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    /** Generous: a first request may compile a JSP on a loaded machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Function<String, URI> application;

    /** @param application a path inside the application, starting with {@code /}, to its URI */
    public AppClient(Function<String, URI> application) {
        this.application = Objects.requireNonNull(application, "application");
    }

    public URI uri(String path) {
        return application.apply(path);
    }

    public HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET();
    }

    public HttpRequest.Builder post(String path, String contentType, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A login as a script sends it: a JSON body. */
    public HttpResponse<String> jsonLogin(String username, String password) throws IOException, InterruptedException {
        return send(post("/auth/login", JSON, "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"));
    }

    /** A login as a form sends it, asking for a JSON answer. */
    public HttpRequest.Builder formLogin(String username, String password) {
        return post("/auth/login", FORM, "username=" + encode(username) + "&password=" + encode(password))
                .header("Accept", JSON);
    }

    /** The access token of a successful login's JSON answer. */
    public static String token(HttpResponse<String> response) {
        Matcher matcher = TOKEN.matcher(response.body());
        assertTrue(matcher.find(), response.body());
        return matcher.group(1);
    }

    /** The {@code holdfast_token} cookie a login set, as a {@code Cookie} header sends it back. */
    public static String cookie(HttpResponse<String> response) {
        String setCookie = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("holdfast_token=")).findFirst().orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
