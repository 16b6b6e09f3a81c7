package dev.holdfast.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Masks the credentials a URL may carry before it is logged or put into a message: the password of a
 * {@code user:password@} part (JDBC, Redis, http), the value of password-like query parameters
 * ({@code password}, {@code sslpassword}, {@code secret}, {@code token}, {@code key}...) and Oracle's
 * {@code user/password@host}. Everything else stays readable, so an admin still sees which database is meant.
 */
public final class UrlCredentials {
    static final String MASK = "****";
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@?#:\\s]*:)[^/@?#\\s]*@");
    private static final Pattern ORACLE = Pattern.compile("(?i)(jdbc:oracle:[a-z0-9]+:[^/@:\\s]*/)[^@\\s]*@");
    private static final Pattern PARAMETER = Pattern.compile("(?i)([?&;:]\\s*[a-z._-]*(?:password|passwd|pwd|secret|token|"
            + "apikey|api_key|access_key|key)\\s*=)[^&;\\s]*");

    private UrlCredentials() {
    }

    /** {@code url} with every credential replaced by {@value #MASK}; null stays null. */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO.matcher(url).replaceAll("$1" + MASK + "@");
        masked = ORACLE.matcher(masked).replaceAll("$1" + MASK + "@");
        return PARAMETER.matcher(masked).replaceAll("$1" + MASK);
    }

    /** {@link #mask(String)} of {@code url.toString()}. */
    public static String mask(Object url) {
        return mask(url == null ? null : Objects.toString(url));
    }
}
