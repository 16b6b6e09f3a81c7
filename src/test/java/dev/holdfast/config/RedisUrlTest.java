package dev.holdfast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisUrlTest {

    @Test
    void aSingleServerWithDefaults() {
        RedisUrl url = RedisUrl.parse("redis://cache.internal");
        assertFalse(url.tls());
        assertEquals(1, url.addresses().size());
        assertEquals("cache.internal", url.addresses().get(0).host());
        assertEquals(6379, url.addresses().get(0).port());
        assertEquals(Optional.empty(), url.master());
        assertEquals(Optional.empty(), url.password());
        assertEquals(0, url.database());
    }

    @Test
    void tlsCredentialsPortAndDatabase() {
        RedisUrl url = RedisUrl.parse("rediss://holdfast:p%40ss+word@10.0.0.5:6380/3");
        assertTrue(url.tls());
        assertEquals("10.0.0.5:6380", url.addresses().get(0).toString());
        assertEquals(Optional.of("holdfast"), url.user());
        assertEquals(Optional.of("p@ss+word"), url.password());
        assertEquals(3, url.database());
    }

    @Test
    void aPasswordWithoutUserAndAnIpv6Host() {
        RedisUrl url = RedisUrl.parse("redis://:secret@[::1]:7000");
        assertEquals(Optional.empty(), url.user());
        assertEquals(Optional.of("secret"), url.password());
        assertEquals("::1", url.addresses().get(0).host());
        assertEquals(7000, url.addresses().get(0).port());
    }

    @Test
    void sentinelsWithMasterDatabaseAndSentinelPassword() {
        RedisUrl url = RedisUrl.parse("rediss-sentinel://:masterpw@s1:26380,s2,s3:26381/mymaster/2?sentinelPassword=sentpw");
        assertTrue(url.tls());
        assertEquals(3, url.addresses().size());
        assertEquals("s1:26380", url.addresses().get(0).toString());
        assertEquals("s2:26379", url.addresses().get(1).toString());
        assertEquals(Optional.of("mymaster"), url.master());
        assertEquals(2, url.database());
        assertEquals(Optional.of("masterpw"), url.password());
        assertEquals(Optional.of("sentpw"), url.sentinelPassword());
    }

    @Test
    void toStringMasksEveryPassword() {
        String text = RedisUrl.parse("redis-sentinel://app:masterpw@s1,s2/mymaster?sentinelPassword=sentpw").toString();
        assertEquals("redis-sentinel://app:****@s1:26379,s2:26379/mymaster?sentinelPassword=****", text);
        assertEquals("rediss://holdfast:****@10.0.0.5:6380/3",
                RedisUrl.parse("rediss://holdfast:p%40ss%23word@10.0.0.5:6380/3").toString());
        assertEquals("redis://cache.internal:6379", RedisUrl.parse("redis://cache.internal").toString());
    }

    /** Masking by pattern stopped at the first @ or #, and printed the rest of such a password. */
    @Test
    void refusesARawAtOrHashInTheUserPartWithoutRepeatingIt() {
        for (String url : new String[] {"redis://:p@ss@host:6379", "redis://:pa#ss@host", "redis://us@er:pw@host"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse(url), url);
            assertEquals("has a raw @ or # in its user or password; percent-encode them (%40, %23)", e.getMessage());
        }
    }

    @Test
    void theEffectiveSettingsLineMasksTheRedisPassword() throws Exception {
        Settings settings = new SettingsReader(Map.of(), Map.of(), Map.of(), Map.of(
                "holdfast.jwt.secret", "0123456789abcdef0123456789abcdef",
                "holdfast.shared.redisUrl", "rediss://holdfast:hunter2hunter2@redis.internal:6380/1"), "test")
                .read(SettingsReader.Purpose.FILTER);
        String line = settings.describe();
        assertFalse(line.contains("hunter2"), line);
        assertTrue(line.contains("shared.redisUrl=rediss://holdfast:"), line);
        assertTrue(line.contains("@redis.internal:6380/1"), line);
    }

    @Test
    void aBadUrlStopsTheDeployWithoutRepeatingThePassword() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SettingsReader(Map.of(), Map.of(), Map.of(), Map.of(
                "holdfast.jwt.secret", "0123456789abcdef0123456789abcdef",
                "holdfast.shared.redisUrl", "redis://:hunter2hunter2@a,b"), "test").read(SettingsReader.Purpose.FILTER));
        assertFalse(String.join("\n", e.problems()).contains("hunter2"), e.problems().toString());
        assertTrue(String.join("\n", e.problems()).contains("holdfast.shared.redisUrl"), e.problems().toString());
    }

    @Test
    void refusesWhatIsNotARedisUrlWithoutRepeatingIt() {
        for (String bad : new String[] {"cache:6379", "http://cache", "redis://", "redis://a,b", "redis://h:0",
                "redis://h:99999", "redis://h/x", "redis://h/1/2", "redis-sentinel://s1,s2", "redis://h?password=x",
                "redis://h space"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse(bad), bad);
            assertFalse(e.getMessage().contains("password=x"), e.getMessage());
        }
    }
}
