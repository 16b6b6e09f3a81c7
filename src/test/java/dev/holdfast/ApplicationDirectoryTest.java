package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.holdfast.config.Settings;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ApplicationDirectoryTest {
    @Test
    void namesAreReadableAndDistinctPerContextPathHostAndContainer() {
        String root = ApplicationDirectory.name("/opt/tomcat", "Catalina/localhost", "");
        String shop = ApplicationDirectory.name("/opt/tomcat", "Catalina/localhost", "/shop/v2");
        assertTrue(root.matches("ROOT-[0-9a-f]{8}"), root);
        assertTrue(shop.matches("shop_v2-[0-9a-f]{8}"), shop);
        assertEquals(shop, ApplicationDirectory.name("/opt/tomcat", "Catalina/localhost", "/shop/v2"), "stable");
        assertNotEquals(shop, ApplicationDirectory.name("/opt/tomcat2", "Catalina/localhost", "/shop/v2"),
                "another container on the machine");
        assertNotEquals(shop, ApplicationDirectory.name("/opt/tomcat", "Catalina/other", "/shop/v2"),
                "another virtual host");
        assertNotEquals(ApplicationDirectory.name("c", "h", "/a_b"), ApplicationDirectory.name("c", "h", "/a/b"),
                "paths that read alike stay apart");
        assertTrue(ApplicationDirectory.name("c", "h", "/..").startsWith("_."), "never . or ..");
    }

    @Test
    void theDefaultRootIsPrivateToTheUserAndPersistent() {
        ApplicationDirectory app = ApplicationDirectory.of("/shop", Optional.of("Catalina/localhost"), Optional.empty());
        assertEquals(Paths.get(System.getProperty("user.home"), ".holdfast"), app.root());
        assertEquals(app.root().resolve(app.name()).resolve("audit"), app.resolve("audit"));
        assertTrue(app.name().startsWith("shop-"));
    }

    @Test
    void warnsOncePerSettingWhenItsDirectoryIsTemporary() {
        Logger logger = (Logger) LoggerFactory.getLogger(Services.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        ApplicationDirectory app = new ApplicationDirectory(Paths.get("/var/lib/holdfast"), "shop-00000000",
                List.of(Paths.get("/srv/tomcat/work/Catalina/localhost/shop")));
        try {
            Services.warnIfTemporary(Settings.AUDIT_SPOOL, Paths.get("/tmp/holdfast-audit"), app);
            Services.warnIfTemporary(Settings.WRITES_SPOOL, Paths.get("/srv/tomcat/work/Catalina/localhost/shop/w"), app);
            Services.warnIfTemporary(Settings.CACHE_DIR, Path.of("/var/lib/holdfast/cache"), app);
        } finally {
            logger.detachAppender(events);
        }
        List<String> warnings = events.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        assertEquals(List.of(
                "holdfast: [holdfast.audit.spool] = [/tmp/holdfast-audit] lies in a temporary directory that may be"
                        + " wiped at reboot or redeploy, and what waits in it with it; set [holdfast.audit.spool] to a"
                        + " directory on persistent storage",
                "holdfast: [holdfast.writes.spool] = [/srv/tomcat/work/Catalina/localhost/shop/w] lies in a temporary"
                        + " directory that may be wiped at reboot or redeploy, and what waits in it with it; set"
                        + " [holdfast.writes.spool] to a directory on persistent storage"), warnings);
    }
}
