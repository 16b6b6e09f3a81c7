package dev.holdfast;

import dev.holdfast.config.ConfigException;
import dev.holdfast.config.Settings;
import dev.holdfast.config.SettingsReader;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.File;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collections;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Holdfast's shared parts (settings, keys, pools, credential tier, audit spool) when the application
 * is deployed and closes them, in reverse order, when it is undeployed. Declare it in {@code web.xml}
 * whenever a login servlet is declared:
 *
 * <pre>{@code <listener><listener-class>dev.holdfast.HoldfastListener</listener-class></listener>}</pre>
 *
 * Invalid settings stop the deploy, with one log line per problem.
 */
public final class HoldfastListener implements ServletContextListener {
    private static final Logger log = LoggerFactory.getLogger(HoldfastListener.class);

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext servletContext = event.getServletContext();
        Settings settings;
        try {
            settings = SettingsReader.forContext(servletContext);
        } catch (ConfigException e) {
            // Each problem is already logged as its own line by the reader.
            throw new IllegalStateException("holdfast: the settings are invalid (" + e.problems().size()
                    + " problem(s) logged above); the application is not started");
        }
        log.info("holdfast: effective settings: {}", settings.describe());
        Holdfast holdfast;
        try {
            holdfast = Holdfast.build(settings, Clock.systemUTC(), application(servletContext));
        } catch (ConfigException e) {
            e.problems().forEach(log::error);
            throw new IllegalStateException("holdfast: the settings are invalid (" + e.problems().size()
                    + " problem(s) logged above); the application is not started");
        } catch (Exception e) {
            log.error("holdfast: cannot start: {}", e.toString());
            throw new IllegalStateException("holdfast: cannot start: " + e.getClass().getSimpleName(), e);
        }
        holdfast.publish(servletContext);
        log.info("holdfast: started for {}", servletContext.getContextPath().isEmpty() ? "/" : servletContext.getContextPath());
    }

    /** Where this application's files go by default: its own directory, named after its context path. */
    private static ApplicationDirectory application(ServletContext servletContext) {
        Object temp = servletContext.getAttribute(ServletContext.TEMPDIR);
        return ApplicationDirectory.of(servletContext.getContextPath(),
                Optional.ofNullable(servletContext.getVirtualServerName()),
                temp instanceof File ? Optional.of(((File) temp).toPath()) : Optional.empty());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext servletContext = event.getServletContext();
        Optional<Holdfast> holdfast = Holdfast.find(servletContext);
        Holdfast.unpublish(servletContext);
        if (holdfast.isPresent()) {
            holdfast.get().close();
            deregisterOurJdbcDrivers();
            log.info("holdfast: stopped");
        }
    }

    /**
     * pgjdbc registers itself with {@link DriverManager} when loaded; a driver loaded by this application's
     * class loader and left registered pins that loader after undeploy (Tomcat reports it as a leak).
     */
    private static void deregisterOurJdbcDrivers() {
        ClassLoader ours = HoldfastListener.class.getClassLoader();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == ours) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException e) {
                    log.warn("holdfast: could not deregister JDBC driver {}: {}", driver.getClass().getName(), e.toString());
                }
            }
        }
    }
}
