package dev.holdfast.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void matchesIpv4Networks() {
        Cidr net = Cidr.parse("10.1.0.0/16");
        assertTrue(net.contains("10.1.200.3"));
        assertFalse(net.contains("10.2.0.1"));
        assertTrue(Cidr.parse("127.0.0.1").contains("127.0.0.1"));
        assertFalse(Cidr.parse("127.0.0.1/32").contains("127.0.0.2"));
    }

    @Test
    void matchesIpv6AndMappedIpv4() {
        assertTrue(Cidr.parse("::1/128").contains("0:0:0:0:0:0:0:1"));
        assertTrue(Cidr.parse("::1/128").contains("[::1]"));
        assertTrue(Cidr.parse("192.168.0.0/16").contains("::ffff:192.168.4.4"));
        assertFalse(Cidr.parse("::1/128").contains("127.0.0.1"));
    }

    @Test
    void neverMatchesNamesOrGarbage() {
        Cidr net = Cidr.parse("0.0.0.0/0");
        assertFalse(net.contains("localhost"));
        assertFalse(net.contains(""));
        assertFalse(net.contains(null));
        assertFalse(net.contains("999.1.1.1"));
    }

    @Test
    void refusesInvalidNetworks() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8")).getMessage().contains("example.com"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
    }
}
