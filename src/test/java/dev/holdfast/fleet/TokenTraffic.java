package dev.holdfast.fleet;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * A constant stream of requests with valid tokens across a fleet, as a load balancer spreads them: logins on
 * the issuers in turn (one every {@link #LOGIN_EVERY}), and protected calls on every node in turn, each with a
 * token picked at random among those that have not expired. A node taken out of service ({@link #drain}) gets no
 * new request and is waited for until its requests in flight have ended, as a load balancer drains a member
 * before a restart; {@link #admit} puts it back.
 *
 * <p>What counts as a failure: any answer but 200 to a token that was valid when its answer arrived, and any
 * failed login. A 401 saying "expired" for a token whose {@code exp} had passed when the answer came is right,
 * and counted apart. A call that meets a closed connection (the client's pooled connection to a node that has
 * since restarted) is sent again once, as a load balancer retries an idempotent request; it counts as a failure
 * only if it fails again.
 */
final class TokenTraffic implements AutoCloseable {
    private static final Duration LOGIN_EVERY = Duration.ofMillis(300);
    /** Tokens this close to {@code exp} are no longer sent: the answer may come after it. */
    private static final Duration FRESHNESS = Duration.ofSeconds(10);
    private static final int CALLERS = 2;

    private final FleetClient client;
    private final List<FleetNode> issuers;
    private final List<FleetNode> nodes;
    private final String username;
    private final String password;
    private final Set<FleetNode> outOfService = ConcurrentHashMap.newKeySet();
    private final Map<FleetNode, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final List<FleetClient.Token> tokens = new CopyOnWriteArrayList<>();
    /** Kept after the tokens themselves are dropped at expiry: when each key's last token stops being valid. */
    private final Map<String, Instant> lastExpiryByKid = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> okByNodeAndKid = new ConcurrentHashMap<>();
    private final AtomicLong expiredRightly = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong logins = new AtomicLong();
    private final AtomicInteger nextNode = new AtomicInteger();
    private final AtomicInteger nextIssuer = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    TokenTraffic(FleetClient client, List<FleetNode> issuers, List<FleetNode> nodes, String username, String password) {
        this.client = client;
        this.issuers = List.copyOf(issuers);
        this.nodes = List.copyOf(nodes);
        this.username = username;
        this.password = password;
        for (FleetNode node : nodes) {
            inFlight.put(node, new AtomicInteger());
        }
    }

    /** Logs in once on each issuer (so calls have tokens from the start), then starts the stream. */
    TokenTraffic start() throws IOException, InterruptedException {
        for (FleetNode issuer : issuers) {
            keep(client.token(issuer, username, password));
        }
        spawn("fleet-logins", this::logInRepeatedly);
        for (int i = 0; i < CALLERS; i++) {
            spawn("fleet-calls-" + i, this::callRepeatedly);
        }
        return this;
    }

    /** Takes the node out of service and returns once nothing is in flight to it. */
    void drain(FleetNode node) throws InterruptedException {
        outOfService.add(node);
        Wait.until(() -> inFlight.get(node).get() == 0, Duration.ofSeconds(60), node.name() + " drained");
    }

    void admit(FleetNode node) {
        outOfService.remove(node);
    }

    /** The latest expiry among all tokens the client received signed with {@code kid}, expired ones included. */
    Instant lastExpiryOf(String kid) {
        Instant last = lastExpiryByKid.get(kid);
        if (last == null) {
            throw new IllegalStateException("no token signed with " + kid + " was received");
        }
        return last;
    }

    private void keep(FleetClient.Token token) {
        lastExpiryByKid.merge(token.kid(), token.expiresAt(), (a, b) -> a.isAfter(b) ? a : b);
        tokens.add(token);
    }

    /** Returns once every node answered at least {@code calls} more calls with 200 for tokens signed with {@code kid}. */
    void awaitCallsEverywhere(String kid, long calls) throws InterruptedException {
        awaitCalls(nodes, node -> ok(node, kid), calls, "a " + kid + " token");
    }

    /** Returns once every node but {@code excluded} answered at least {@code calls} more calls with 200, any key. */
    void awaitCallsEverywhereBut(FleetNode excluded, long calls) throws InterruptedException {
        List<FleetNode> others = new ArrayList<>(nodes);
        others.remove(excluded);
        awaitCalls(others, this::ok, calls, "any token");
    }

    private void awaitCalls(List<FleetNode> on, ToLongFunction<FleetNode> counter, long calls, String what)
            throws InterruptedException {
        Map<FleetNode, Long> from = new HashMap<>();
        for (FleetNode node : on) {
            from.put(node, counter.applyAsLong(node));
        }
        Wait.until(() -> on.stream().allMatch(node -> counter.applyAsLong(node) >= from.get(node) + calls),
                Duration.ofSeconds(90), () -> calls + " more calls answered 200 with " + what + " on each of " + on + "; " + this);
    }

    /** Calls answered 200 on the node, whatever key signed the token. */
    long ok(FleetNode node) {
        return okByNodeAndKid.entrySet().stream().filter(e -> e.getKey().startsWith(node.name() + " "))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    long ok(FleetNode node, String kid) {
        AtomicLong count = okByNodeAndKid.get(node.name() + " " + kid);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(60_000);
        }
    }

    /** Calls answered 200 per node and kid, logins, retries, rightly expired tokens and failures. */
    @Override
    public String toString() {
        return "200s by node and kid " + new TreeMap<>(okByNodeAndKid) + ", logins " + logins + ", resent after a closed"
                + " connection " + retried + ", expired tokens refused rightly " + expiredRightly + ", failures "
                + failures.size();
    }

    private void logInRepeatedly() {
        while (running) {
            FleetNode issuer = next(issuers, nextIssuer);
            if (issuer != null) {
                AtomicInteger count = inFlight.get(issuer);
                count.incrementAndGet();
                try {
                    if (!outOfService.contains(issuer)) {
                        keep(client.token(issuer, username, password));
                        logins.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    failures.add(Instant.now() + " login on " + issuer.name() + ": " + e);
                } catch (InterruptedException e) {
                    return;
                } finally {
                    count.decrementAndGet();
                }
            }
            tokens.removeIf(token -> token.expiresAt().isBefore(Instant.now()));
            pause(LOGIN_EVERY);
        }
    }

    private void callRepeatedly() {
        while (running) {
            FleetNode node = next(nodes, nextNode);
            FleetClient.Token token = freshToken();
            if (node != null && token != null) {
                AtomicInteger count = inFlight.get(node);
                count.incrementAndGet();
                try {
                    if (!outOfService.contains(node)) {
                        call(node, token);
                    }
                } catch (InterruptedException e) {
                    return;
                } finally {
                    count.decrementAndGet();
                }
            }
            pause(Duration.ofMillis(5));
        }
    }

    private void call(FleetNode node, FleetClient.Token token) throws InterruptedException {
        FleetClient.Answer answer;
        try {
            answer = sendResendingOnce(node, token);
        } catch (IOException e) {
            failures.add(Instant.now() + " " + node.name() + " with " + token + ": " + e);
            return;
        }
        Instant answered = Instant.now();
        if (answer.status() == 200) {
            okByNodeAndKid.computeIfAbsent(node.name() + " " + token.kid(), k -> new AtomicLong()).incrementAndGet();
        } else if (answer.status() == 401 && answer.challenge().contains("expired") && !answered.isBefore(token.expiresAt())) {
            expiredRightly.incrementAndGet();
        } else {
            failures.add(answered + " " + node.name() + " with " + token + ": " + answer);
        }
    }

    private FleetClient.Answer sendResendingOnce(FleetNode node, FleetClient.Token token)
            throws IOException, InterruptedException {
        try {
            return client.call(node, token);
        } catch (IOException closed) {
            retried.incrementAndGet();
            return client.call(node, token);
        }
    }

    /** The next node in turn that is in service, or null when none is. */
    private FleetNode next(List<FleetNode> from, AtomicInteger turn) {
        for (int i = 0; i < from.size(); i++) {
            FleetNode node = from.get(Math.floorMod(turn.getAndIncrement(), from.size()));
            if (!outOfService.contains(node)) {
                return node;
            }
        }
        return null;
    }

    private FleetClient.Token freshToken() {
        Instant usableUntil = Instant.now().plus(FRESHNESS);
        List<FleetClient.Token> fresh = new ArrayList<>();
        for (FleetClient.Token token : tokens) {
            if (token.expiresAt().isAfter(usableUntil)) {
                fresh.add(token);
            }
        }
        return fresh.isEmpty() ? null : fresh.get(ThreadLocalRandom.current().nextInt(fresh.size()));
    }

    private void spawn(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
