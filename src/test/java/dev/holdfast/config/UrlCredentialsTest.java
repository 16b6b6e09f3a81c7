package dev.holdfast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlCredentialsTest {

    @Test
    void masksPasswordsInEveryFormAUrlCarriesThem() {
        Map<String, String> cases = Map.of(
                "jdbc:postgresql://db:5432/app?user=app&password=s3cret&ssl=true",
                "jdbc:postgresql://db:5432/app?user=app&password=****&ssl=true",
                "jdbc:postgresql://db/app?sslpassword=s3cret", "jdbc:postgresql://db/app?sslpassword=****",
                "jdbc:mysql://app:s3cret@db:3306/app", "jdbc:mysql://app:****@db:3306/app",
                "redis://:s3cret@cache:6379/0", "redis://:****@cache:6379/0",
                "https://user:s3cret@login.example/.well-known/jwks.json?token=abc",
                "https://user:****@login.example/.well-known/jwks.json?token=****",
                "jdbc:oracle:thin:app/s3cret@db:1521/XE", "jdbc:oracle:thin:app/****@db:1521/XE",
                "jdbc:sqlserver://db;user=app;password=s3cret;encrypt=true", "jdbc:sqlserver://db;user=app;password=****;encrypt=true",
                "jdbc:postgresql://db:5432/app?PASSWORD=s3cret", "jdbc:postgresql://db:5432/app?PASSWORD=****");
        cases.forEach((url, masked) -> {
            assertEquals(masked, UrlCredentials.mask(url), url);
            assertFalse(UrlCredentials.mask(url).contains("s3cret"), url);
        });
    }

    @Test
    void leavesUrlsWithoutCredentialsAlone() {
        for (String url : new String[] {"jdbc:postgresql://127.0.0.1:5432/test", "https://login.example/.well-known/jwks.json",
                "jdbc:postgresql://db/app?user=app&ssl=true", "jdbc:h2:mem:test;MODE=PostgreSQL"}) {
            assertEquals(url, UrlCredentials.mask(url));
        }
        assertNull(UrlCredentials.mask((String) null));
    }
}
