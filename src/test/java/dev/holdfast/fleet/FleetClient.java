package dev.holdfast.fleet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a client of the fleet does over HTTP: log in on a node, call a protected page with the token, log out. */
final class FleetClient {
    /** Generous: a node on a loaded machine may take seconds to answer, which is slow, not wrong. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final Pattern KID = Pattern.compile("\"kid\":\"([^\"]+)\"");
    private static final Pattern EXP = Pattern.compile("\"exp\":(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** A token as the client sees it: which key signed it and when it expires (read from its unverified parts). */
    record Token(String compact, String kid, Instant expiresAt, String issuedBy) {
        static Token parse(String compact, String issuedBy) {
            String[] parts = compact.split("\\.");
            Matcher kid = KID.matcher(decode(parts[0]));
            Matcher exp = EXP.matcher(decode(parts[1]));
            if (!kid.find() || !exp.find()) {
                throw new IllegalStateException("a token without kid or exp: " + decode(parts[0]));
            }
            return new Token(compact, kid.group(1), Instant.ofEpochSecond(Long.parseLong(exp.group(1))), issuedBy);
        }

        private static String decode(String part) {
            return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "token(kid " + kid + ", exp " + expiresAt + ", from " + issuedBy + ")";
        }
    }

    /** An answer: status, body and the {@code WWW-Authenticate} header (which says why a token was refused). */
    record Answer(int status, String body, String challenge) {
        @Override
        public String toString() {
            return status + (challenge.isEmpty() ? "" : " [" + challenge + "]") + " " + body;
        }
    }

    Answer login(FleetNode node, String username, String password) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(node.uri("/auth/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}")));
    }

    /** Logs in and returns the token; fails with the answer when the login did not succeed. */
    Token token(FleetNode node, String username, String password) throws IOException, InterruptedException {
        Answer answer = login(node, username, password);
        Matcher token = ACCESS_TOKEN.matcher(answer.body());
        if (answer.status() != 200 || !token.find()) {
            throw new IllegalStateException("login of " + username + " on " + node.name() + " answered " + answer);
        }
        return Token.parse(token.group(1), node.name());
    }

    /** GET of the node's protected page with the token as a bearer. */
    Answer call(FleetNode node, Token token) throws IOException, InterruptedException {
        return call(node.protectedUri(), token.compact());
    }

    Answer call(URI uri, String bearer) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json").GET());
    }

    Answer logout(FleetNode node, Token token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(node.uri("/auth/logout")).header("Authorization", "Bearer " + token.compact())
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.noBody()));
    }

    Answer health(FleetNode node) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(node.uri("/auth/health")).header("Accept", "application/json").GET());
    }

    /** Returns once the node's health says UP (a load balancer's readiness check before it sends traffic). */
    void awaitUp(FleetNode node) throws InterruptedException {
        Wait.until(() -> {
            try {
                Answer health = health(node);
                return health.status() == 200 && health.body().startsWith("{\"status\":\"UP\"");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }, Duration.ofSeconds(90), node.name() + " health UP");
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(),
                response.headers().firstValue("WWW-Authenticate").orElse(""));
    }
}
