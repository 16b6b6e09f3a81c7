package dev.holdfast;

import dev.holdfast.config.ConfigException;
import dev.holdfast.config.Settings;
import dev.holdfast.config.SettingsReader;
import dev.holdfast.metrics.HoldfastMetrics;
import dev.holdfast.web.FilterCounts;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import javax.naming.NamingException;

/**
 * The composition root: everything Holdfast builds for one application, under the one servlet-context attribute
 * {@link #ATTRIBUTE}. {@link HoldfastListener} builds it at deploy and closes it at undeploy; the servlets and the
 * filter take their parts from it at init. Feature packages never see it: they get typed values.
 *
 * <p>The {@link Tokens} are always here; the {@link Services} (pools, spools, endpoints) whenever the listener
 * built this, which the login, logout, emergency and health servlets require.
 */
final class Holdfast implements AutoCloseable {
    static final String ATTRIBUTE = Holdfast.class.getName();

    final Tokens tokens;
    private final Optional<Services> services;

    /** The token parts alone, no services: all the filter and the JWKS servlet read (their unit tests share these). */
    Holdfast(Tokens tokens) {
        this(tokens, Optional.empty());
    }

    private Holdfast(Tokens tokens, Optional<Services> services) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.services = services;
    }

    /** Builds every part; on failure closes what was already opened and rethrows. */
    static Holdfast build(Settings settings, Clock clock, ApplicationDirectory application)
            throws IOException, NamingException, ConfigException {
        Tokens tokens = Tokens.from(settings, clock);
        return new Holdfast(tokens, Optional.of(Services.open(settings, clock, application, tokens)));
    }

    /** The instance of this application, when the listener built one. */
    static Optional<Holdfast> find(ServletContext context) {
        Object found = context.getAttribute(ATTRIBUTE);
        return found instanceof Holdfast ? Optional.of((Holdfast) found) : Optional.empty();
    }

    /** What every Holdfast servlet does at init: check its init-params, find the parts the listener built. */
    static Services services(ServletConfig config) throws ServletException {
        try {
            // A servlet takes no init-params of its own; a misplaced one is reported, not ignored.
            SettingsReader.requireNoInitParams(config);
        } catch (ConfigException e) {
            throw new ServletException("holdfast: invalid init-params of [" + config.getServletName() + "]; see the log");
        }
        return find(config.getServletContext()).flatMap(holdfast -> holdfast.services).orElseThrow(() ->
                new ServletException("holdfast: [" + config.getServletName() + "] needs dev.holdfast.HoldfastListener;"
                        + " declare <listener><listener-class>dev.holdfast.HoldfastListener</listener-class></listener> in web.xml"));
    }

    /** Where the filter counts what it lets through and refuses, for {@code /auth/metrics}; empty without metrics. */
    Optional<FilterCounts> filterCounts() {
        return services.flatMap(parts -> parts.metrics).map(HoldfastMetrics::filterCounts);
    }

    /** Stores this under {@link #ATTRIBUTE}, and the application's {@link CriticalWrites} under its public one. */
    void publish(ServletContext context) {
        context.setAttribute(ATTRIBUTE, this);
        services.ifPresent(parts -> context.setAttribute(CriticalWrites.ATTRIBUTE, parts.criticalWrites));
    }

    /** Removes what {@link #publish} stored. */
    static void unpublish(ServletContext context) {
        context.removeAttribute(ATTRIBUTE);
        context.removeAttribute(CriticalWrites.ATTRIBUTE);
    }

    @Override
    public void close() {
        services.ifPresent(Services::close);
    }
}
