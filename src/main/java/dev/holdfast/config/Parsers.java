package dev.holdfast.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The value types settings can have. Each parser's message says what would be valid. */
final class Parsers {
    private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    private Parsers() {
    }

    static Parser<String> text() {
        return raw -> raw;
    }

    /** A path inside this web application, such as {@code /login.jsp}. */
    static Parser<String> appPath() {
        return raw -> {
            if (!raw.startsWith("/") || raw.startsWith("//") || raw.contains("\\") || raw.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidValueException("is not a path inside the application; use a path such as /login.jsp");
            }
            return raw;
        };
    }

    static Parser<Boolean> strictBoolean() {
        return raw -> {
            if (raw.equals("true")) {
                return true;
            }
            if (raw.equals("false")) {
                return false;
            }
            throw new InvalidValueException("is not true or false");
        };
    }

    static Parser<Integer> integer(int min, int max) {
        return raw -> {
            String what = "is not a whole number from " + min + " to " + max;
            if (!raw.matches("-?\\d{1,10}")) {
                throw new InvalidValueException(what);
            }
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                throw new InvalidValueException(what);
            }
            return (int) value;
        };
    }

    /** SQL with exactly {@code count} {@code ?} parameters, bound as {@code meaning} says. */
    static Parser<String> sqlWithParameters(int count, String meaning) {
        return raw -> {
            long parameters = raw.chars().filter(c -> c == '?').count();
            if (parameters != count) {
                throw new InvalidValueException("has " + parameters + " ?; it needs exactly " + count + ": " + meaning);
            }
            return raw;
        };
    }

    static Parser<Duration> duration(Duration min, Duration max) {
        return raw -> {
            Duration value;
            if (SECONDS.matcher(raw).matches()) {
                value = Duration.ofSeconds(Long.parseLong(raw));
            } else {
                try {
                    value = Duration.parse(raw.toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw new InvalidValueException("is not a duration; use PT1S or a number of seconds");
                }
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new InvalidValueException("is out of range; use a duration from " + min + " to " + max);
            }
            return value;
        };
    }

    /** An HMAC key: raw UTF-8 text, or {@code base64:...}; at least {@code minBytes}. */
    static Parser<Secret> secret(int minBytes) {
        return raw -> {
            byte[] bytes;
            if (raw.startsWith("base64:")) {
                try {
                    bytes = Base64.getDecoder().decode(raw.substring("base64:".length()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidValueException("is not valid base64 after the base64: prefix");
                }
            } else {
                bytes = raw.getBytes(StandardCharsets.UTF_8);
            }
            if (bytes.length < minBytes) {
                throw new InvalidValueException("is too short (" + bytes.length + " bytes); use at least "
                        + minBytes + " random bytes, e.g. base64: and 32 bytes from a secure generator");
            }
            return new Secret(bytes);
        };
    }

    static Parser<Path> path() {
        return raw -> {
            try {
                return Paths.get(raw);
            } catch (InvalidPathException e) {
                throw new InvalidValueException("is not a file system path");
            }
        };
    }

    static Parser<URI> httpUrl() {
        return raw -> {
            try {
                URI uri = new URI(raw);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // falls through to the message below: the value is not a URL
            }
            throw new InvalidValueException("is not an http(s) URL; use https://host/.well-known/jwks.json");
        };
    }

    static Parser<String> jdbcUrl() {
        return raw -> {
            if (!raw.startsWith("jdbc:")) {
                throw new InvalidValueException("is not a JDBC URL; use jdbc:postgresql://host:5432/database");
            }
            return raw;
        };
    }

    static Parser<RedisUrl> redisUrl() {
        return raw -> {
            try {
                return RedisUrl.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException(e.getMessage());
            }
        };
    }

    /** A Redis key prefix part: letters, digits, '.', '_' and '-' (no ':' that would let two names overlap). */
    static Parser<String> keyNamespace() {
        return raw -> {
            if (!raw.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new InvalidValueException("is not a namespace; use 1 to 64 letters, digits, '.', '_' or '-'");
            }
            return raw;
        };
    }

    static Parser<String> sqlIdentifier() {
        return raw -> {
            if (!SQL_IDENTIFIER.matcher(raw).matches()) {
                throw new InvalidValueException("is not a table name; use letters, digits and _ (optionally schema.table)");
            }
            return raw;
        };
    }

    static Parser<String> cookieName() {
        return raw -> {
            // RFC 6265 token characters, so the name needs no quoting in any container.
            if (!raw.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")) {
                throw new InvalidValueException("is not a cookie name; use letters, digits, - and _");
            }
            return raw;
        };
    }

    static Parser<List<Cidr>> networks() {
        return raw -> {
            List<Cidr> networks = new ArrayList<>();
            for (String item : commaList(raw)) {
                try {
                    networks.add(Cidr.parse(item));
                } catch (IllegalArgumentException e) {
                    throw new InvalidValueException("is not a comma list of networks; use e.g. 127.0.0.1/32,10.0.0.0/8,::1/128");
                }
            }
            return List.copyOf(networks);
        };
    }

    static Parser<List<String>> list() {
        return raw -> List.copyOf(commaList(raw));
    }

    static <E extends Enum<E>> Parser<E> choice(Class<E> type) {
        return raw -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.toString().equals(raw)) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.toString());
            }
            throw new InvalidValueException("is not one of " + String.join(", ", names));
        };
    }

    private static List<String> commaList(String raw) {
        List<String> items = new ArrayList<>();
        for (String item : raw.split(",")) {
            String trimmed = item.trim();
            if (!trimmed.isEmpty()) {
                items.add(trimmed);
            }
        }
        return items;
    }
}
