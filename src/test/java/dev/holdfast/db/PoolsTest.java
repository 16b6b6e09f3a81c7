package dev.holdfast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.Test;

class PoolsTest {
    private final PoolSettings settings = new PoolSettings("main", "jdbc:postgresql://db:5432/app", "app", "s3cret",
            10, Duration.ofSeconds(1), Duration.ofSeconds(2));

    @Test
    void boundsEveryWaitOfTheDriver() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String[] p : Pools.pgjdbcTimeouts(settings)) {
            properties.put(p[0], p[1]);
        }
        assertEquals(Map.of("connectTimeout", "3", "loginTimeout", "3", "socketTimeout", "4",
                "cancelSignalTimeout", "1", "tcpKeepAlive", "true"), properties);
    }

    @Test
    void socketTimeoutOutlastsTheQueryTimeoutSoSlowQueriesAreCancelledNotCut() {
        PoolSettings slow = new PoolSettings("main", "jdbc:postgresql://db/app", null, null, 10,
                Duration.ofMillis(500), Duration.ofMillis(1500));
        for (String[] p : Pools.pgjdbcTimeouts(slow)) {
            if (p[0].equals("socketTimeout")) {
                assertEquals("4", p[1], "ceil(1.5) + cancel 1 + 1");
            }
            if (p[0].equals("loginTimeout")) {
                assertEquals("2", p[1], "ceil(0.5 + 1.5)");
            }
        }
    }

    @Test
    void configuresDbcpToFailFast() throws Exception {
        BasicDataSource pool = Pools.dbcp(settings);
        try {
            assertEquals(10, pool.getMaxTotal());
            assertEquals(0, pool.getMinIdle());
            assertEquals(0, pool.getInitialSize());
            assertEquals(Duration.ofSeconds(1), pool.getMaxWaitDuration());
            assertTrue(pool.getTestOnBorrow());
            assertTrue(pool.getFastFailValidation());
            assertEquals(Duration.ofSeconds(1), pool.getValidationQueryTimeoutDuration());
            assertEquals(Duration.ofSeconds(2), pool.getDefaultQueryTimeoutDuration());
            assertEquals(null, pool.getJmxName(), "no JMX registration");
            assertTrue(pool.getDurationBetweenEvictionRuns().isNegative(), "no evictor thread");
            assertEquals(Pools.MAX_CONNECTION_LIFETIME, pool.getMaxConnDuration());
            assertEquals("org.postgresql.Driver", pool.getDriverClassName());
            assertEquals("app", pool.getUsername());
        } finally {
            pool.close();
        }
    }

    @Test
    void masksThePasswordInToString() {
        PoolSettings inUrl = new PoolSettings("main", "jdbc:postgresql://db/app?user=a&password=hunter2&ssl=true",
                null, "s3cret", 10, Duration.ofSeconds(1), Duration.ofSeconds(2));
        String text = inUrl.toString();
        assertFalse(text.contains("hunter2"), text);
        assertFalse(text.contains("s3cret"), text);
        assertTrue(text.contains("password=****&ssl=true"), text);
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class, () -> new PoolSettings("main",
                "postgresql://db/app", null, null, 10, Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertEquals("url must be a JDBC URL (jdbc:...): [postgresql://db/app]", url.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> new PoolSettings("main",
                "jdbc:postgresql://db/app", null, null, 0, Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertEquals("maxTotal must be at least 1: 0", size.getMessage());
        IllegalArgumentException wait = assertThrows(IllegalArgumentException.class, () -> new PoolSettings("main",
                "jdbc:postgresql://db/app", null, null, 1, Duration.ZERO, Duration.ofSeconds(2)));
        assertEquals("maxWait must be positive: PT0S", wait.getMessage());
        IllegalArgumentException query = assertThrows(IllegalArgumentException.class, () -> new PoolSettings("main",
                "jdbc:postgresql://db/app", null, null, 1, Duration.ofSeconds(1), Duration.ofMillis(500)));
        assertEquals("queryTimeout must be at least PT1S (the driver counts whole seconds): PT0.5S",
                query.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> new PoolSettings("a b",
                "jdbc:postgresql://db/app", null, null, 1, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertEquals("name must be 1-40 letters, digits, '.', '_' or '-': [a b]", name.getMessage());
    }

    @Test
    void aJndiNameWithNothingBoundIsANamingException() {
        assertThrows(javax.naming.NamingException.class, () -> Pools.fromJndi("java:comp/env/jdbc/none"));
    }

    @Test
    void deadlineIsMaxWaitPlusQueryTimeout() {
        assertEquals(Duration.ofSeconds(3), settings.deadline());
    }
}
