package dev.holdfast.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.db.GuardedDatabase;
import dev.holdfast.login.Tier;
import dev.holdfast.spool.Spool;
import dev.holdfast.web.FilterCounts;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Hashtable;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * One deployed application's meters: a Prometheus registry that {@code /auth/metrics} writes out and, when asked,
 * a JMX registry publishing the same meters as MBeans. Never Micrometer's static global registry: two
 * applications in one container, or one redeployed, each have their own, and {@link #close()} unregisters
 * every MBean. Neither registry starts a thread.
 */
public final class HoldfastMetrics implements AutoCloseable {
    /** The JMX domain; each MBean also carries {@code app=<application>}. */
    public static final String JMX_DOMAIN = "holdfast";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry prometheus;
    private final Optional<JmxMeterRegistry> jmx;
    private final CompositeMeterRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final FilterCounts filterCounts = new FilterCounts();

    private HoldfastMetrics(PrometheusMeterRegistry prometheus, Optional<JmxMeterRegistry> jmx) {
        this.prometheus = prometheus;
        this.jmx = jmx;
        this.registry = new CompositeMeterRegistry(Clock.SYSTEM);
        registry.add(prometheus);
        jmx.ifPresent(registry::add);
        FilterMeters.bind(registry, filterCounts);
    }

    /** Prometheus only. */
    public static HoldfastMetrics prometheusOnly() {
        return new HoldfastMetrics(prometheus(), Optional.empty());
    }

    /**
     * Prometheus, and every meter as an MBean of the platform MBean server named
     * {@code holdfast:app=<application>,name=<meter>,type=<kind>}.
     *
     * @param application this application's name, unique in the JVM (see {@code ApplicationDirectory#name()})
     */
    public static HoldfastMetrics withJmx(String application) {
        Objects.requireNonNull(application, "application");
        MetricRegistry dropwizard = new MetricRegistry();
        JmxReporter reporter = JmxReporter.forRegistry(dropwizard).inDomain(JMX_DOMAIN)
                .createsObjectNamesWith((type, domain, name) -> objectName(domain, application, name, type))
                .build();
        JmxConfig config = new JmxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String domain() {
                return JMX_DOMAIN;
            }
        };
        return new HoldfastMetrics(prometheus(),
                Optional.of(new JmxMeterRegistry(config, Clock.SYSTEM, HierarchicalNameMapper.DEFAULT, dropwizard, reporter)));
    }

    /** Its own Prometheus registry, not the client library's default one (a static shared by the JVM's users). */
    private static PrometheusMeterRegistry prometheus() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
    }

    static ObjectName objectName(String domain, String application, String name, String type) {
        Hashtable<String, String> keys = new Hashtable<>();
        keys.put("app", ObjectName.quote(application));
        keys.put("name", ObjectName.quote(name));
        keys.put("type", ObjectName.quote(type));
        try {
            return new ObjectName(domain, keys);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("no JMX name for meter [" + name + "]", e);
        }
    }

    /** Where meters are registered: both registries at once. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Login meters of one endpoint ({@code login}, {@code emergency}) whose successes come from {@code tiers}. */
    public LoginMeters loginMeters(String endpoint, Tier... tiers) {
        return new LoginMeters(registry, endpoint, tiers);
    }

    /** Pool use and breaker state and transitions of {@code database}. */
    public void bindDatabase(GuardedDatabase database) {
        DatabaseMeters.bind(registry, database);
    }

    /** Size and hits and misses of the credential tier. */
    public void bindCredentialTier(CredentialTier tier) {
        StateMeters.bindCredentialTier(registry, tier);
    }

    /**
     * Backlog of the spool {@code name}.
     *
     * @param owner what holds the spool for as long as the application runs
     */
    public <T> void bindSpool(String name, T owner, Supplier<Spool.Snapshot> snapshot) {
        StateMeters.bindSpool(registry, name, owner, snapshot);
    }

    /** What {@code JwtAuthFilter} counts into: the filter of the application the listener built this for. */
    public FilterCounts filterCounts() {
        return filterCounts;
    }

    /**
     * Registers {@code holdfast.shared.up}: 1 while {@code up} says the shared state (e.g. Redis) is reachable,
     * 0 otherwise. Call it once, where the shared state is set up; without it the gauge is absent.
     */
    public void connectSharedState(BooleanSupplier up) {
        Objects.requireNonNull(up, "up");
        Gauge.builder("holdfast.shared.up", up, supplier -> supplier.getAsBoolean() ? 1 : 0)
                .strongReference(true)
                .description("1 while the state shared between nodes is reachable, 0 when it is not")
                .register(registry);
    }

    /** The content type {@link #scrape} writes for an {@code Accept} header (Prometheus text, or OpenMetrics). */
    public String contentType(String accept) {
        return formats.findWriter(supported(accept)).getContentType();
    }

    /** Writes every meter in the format {@code accept} asks for (see {@link #contentType(String)}). */
    public void scrape(OutputStream out, String accept) throws IOException {
        prometheus.scrape(out, supported(accept));
    }

    /** The protobuf format is not in the build: a client that prefers it gets the Prometheus text format. */
    private String supported(String accept) {
        return accept != null && formats.findWriter(accept).isAvailable() ? accept : PROMETHEUS_TEXT;
    }

    /** Closes both registries; the JMX one unregisters its MBeans. */
    @Override
    public void close() {
        registry.close();
        jmx.ifPresent(JmxMeterRegistry::close);
        prometheus.close();
    }
}
