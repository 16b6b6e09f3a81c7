package dev.holdfast.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where shared state lives ({@code holdfast.shared.redisUrl}), parsed without touching the network or any
 * Redis library:
 * <ul>
 *   <li>{@code redis://[[user]:password@]host[:6379][/database]}, {@code rediss://...} for TLS;</li>
 *   <li>{@code redis-sentinel://[[user]:password@]host1[:26379],host2[:26379]/master[/database]
 *       [?sentinelPassword=...]}, {@code rediss-sentinel://...} for TLS to the Sentinels and the master.
 *       The user and password are the master's; the Sentinels get {@code sentinelPassword} when given.</li>
 * </ul>
 * {@link #toString()} is the URL with its passwords masked.
 */
public final class RedisUrl {
    static final int REDIS_PORT = 6379;
    static final int SENTINEL_PORT = 26379;

    /** One host and port. */
    public static final class Address {
        private final String host;
        private final int port;

        Address(String host, int port) {
            this.host = host;
            this.port = port;
        }

        public String host() {
            return host;
        }

        public int port() {
            return port;
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final String scheme;
    private final boolean tls;
    private final List<Address> addresses;
    private final Optional<String> master;
    private final Optional<String> user;
    private final Optional<String> password;
    private final Optional<String> sentinelPassword;
    private final int database;

    private RedisUrl(String scheme, boolean tls, List<Address> addresses, Optional<String> master, Optional<String> user,
                     Optional<String> password, Optional<String> sentinelPassword, int database) {
        this.scheme = scheme;
        this.tls = tls;
        this.addresses = Collections.unmodifiableList(addresses);
        this.master = master;
        this.user = user;
        this.password = password;
        this.sentinelPassword = sentinelPassword;
        this.database = database;
    }

    /**
     * Parses one of the forms above.
     *
     * @throws IllegalArgumentException saying what would be valid; the message never repeats a password
     */
    public static RedisUrl parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.indexOf("://");
        if (colon < 0) {
            throw invalid();
        }
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        boolean sentinel = scheme.endsWith("-sentinel");
        String base = sentinel ? scheme.substring(0, scheme.length() - "-sentinel".length()) : scheme;
        if (!base.equals("redis") && !base.equals("rediss")) {
            throw invalid();
        }
        String rest = text.substring(colon + 3);
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        List<String> path = new ArrayList<>();
        if (slash >= 0) {
            for (String segment : rest.substring(slash + 1).split("/", -1)) {
                if (!segment.isEmpty()) {
                    path.add(decode(segment));
                }
            }
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            if (userInfo.indexOf('@') >= 0 || userInfo.indexOf('#') >= 0) {
                // Never guess where a password ends: a wrong guess would print part of it wherever the URL is logged.
                throw new IllegalArgumentException("has a raw @ or # in its user or password; percent-encode them"
                        + " (%40, %23)");
            }
            authority = authority.substring(at + 1);
            int split = userInfo.indexOf(':');
            String name = split < 0 ? userInfo : userInfo.substring(0, split);
            user = name.isEmpty() ? Optional.empty() : Optional.of(decode(name));
            password = split < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(split + 1)));
        }
        List<Address> addresses = new ArrayList<>();
        for (String hostPort : authority.split(",", -1)) {
            addresses.add(address(hostPort, sentinel ? SENTINEL_PORT : REDIS_PORT));
        }
        if (!sentinel && addresses.size() != 1) {
            throw new IllegalArgumentException("names several hosts; use redis-sentinel://host1:26379,host2:26379/master for Sentinel");
        }
        Optional<String> master = Optional.empty();
        if (sentinel) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("names no master; use redis-sentinel://host1:26379,host2:26379/mymaster");
            }
            master = Optional.of(path.remove(0));
        }
        if (path.size() > 1) {
            throw invalid();
        }
        int database = path.isEmpty() ? 0 : databaseNumber(path.get(0));
        Optional<String> sentinelPassword = Optional.empty();
        for (String parameter : query.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            if (!sentinel || !name.equals("sentinelPassword") || equals < 0) {
                throw new IllegalArgumentException("has an unknown parameter [" + name + "]; only redis-sentinel:// URLs take"
                        + " sentinelPassword=...");
            }
            sentinelPassword = Optional.of(decode(parameter.substring(equals + 1)));
        }
        return new RedisUrl(scheme, base.equals("rediss"), addresses, master, user, password, sentinelPassword, database);
    }

    private static Address address(String hostPort, int defaultPort) {
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw invalid();
            }
            host = hostPort.substring(1, close);
            if (close + 1 < hostPort.length()) {
                if (hostPort.charAt(close + 1) != ':') {
                    throw invalid();
                }
                port = hostPort.substring(close + 2);
            }
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw invalid();
        }
        if (port == null) {
            return new Address(host, defaultPort);
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("has an invalid port; use a number from 1 to 65535");
        }
        return new Address(host, Integer.parseInt(port));
    }

    private static int databaseNumber(String text) {
        if (!text.matches("\\d{1,2}")) {
            throw new IllegalArgumentException("has an invalid database number; use /0 to /15 after the host");
        }
        return Integer.parseInt(text);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("is not a Redis URL; use redis://host:6379, rediss://host:6379 or"
                + " redis-sentinel://host1:26379,host2:26379/mymaster");
    }

    /** {@code rediss} or {@code rediss-sentinel}: TLS to every server. */
    public boolean tls() {
        return tls;
    }

    /** The Redis server, or the Sentinels when {@link #master()} is present. */
    public List<Address> addresses() {
        return addresses;
    }

    /** The Sentinel master name; empty for a single server. */
    public Optional<String> master() {
        return master;
    }

    public Optional<String> user() {
        return user;
    }

    public Optional<String> password() {
        return password;
    }

    public Optional<String> sentinelPassword() {
        return sentinelPassword;
    }

    public int database() {
        return database;
    }

    /**
     * The URL rebuilt from its parsed parts with every password masked: built from the parts rather than by
     * masking the text, so no way of writing a password can make part of it show.
     */
    @Override
    public String toString() {
        StringBuilder url = new StringBuilder(scheme).append("://");
        if (user.isPresent() || password.isPresent()) {
            user.ifPresent(url::append);
            password.ifPresent(p -> url.append(':').append(UrlCredentials.MASK));
            url.append('@');
        }
        for (int i = 0; i < addresses.size(); i++) {
            url.append(i == 0 ? "" : ",").append(addresses.get(i));
        }
        master.ifPresent(name -> url.append('/').append(name));
        if (database != 0) {
            url.append('/').append(database);
        }
        sentinelPassword.ifPresent(p -> url.append("?sentinelPassword=").append(UrlCredentials.MASK));
        return url.toString();
    }
}
