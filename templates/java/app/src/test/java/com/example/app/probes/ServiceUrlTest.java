package com.example.app.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServiceUrlTest {

    @Test
    void decodesCredentialsPathAndQuery() {
        ServiceUrl url = ServiceUrl.parse("mysql://app%2Buser:p%40ss%3Aw%C3%B6rd@db.internal:3307/orders%20db?ssl=TRUE&x=1");
        assertEquals("mysql", url.scheme());
        assertEquals("app+user", url.user());
        assertEquals("p@ss:wörd", url.password());
        assertEquals("db.internal", url.host());
        assertEquals(3307, url.port());
        assertEquals("orders db", url.path());
        assertTrue(url.flag("ssl"));
        assertEquals("1", url.query().get("x"));
    }

    @Test
    void keepsPlusSignsAndUnencodedCharactersOfRealPasswords() {
        ServiceUrl url = ServiceUrl.parse("redis://:a+b^c|d@cache/0");
        assertEquals("", url.user());
        assertEquals("a+b^c|d", url.password());
        assertEquals(ServiceUrl.NO_PORT, url.port());
        assertEquals(6379, url.endpoint(6379, false).port());
    }

    @Test
    void passwordsMayContainAtSigns() {
        assertEquals("p@ss", ServiceUrl.parse("postgres://app:p@ss@db/app").password());
    }

    @Test
    void ipv6HostsAndSeedLists() {
        ServiceUrl ipv6 = ServiceUrl.parse("postgres://[::1]:5433/app");
        assertEquals("::1", ipv6.host());
        assertEquals(5433, ipv6.port());
        assertEquals("[::1]:5433", ipv6.endpoint(5432, false).toString());
        ServiceUrl seeds = ServiceUrl.parse("mongodb://root:pw@mongo-a:27018,mongo-b:27019/?authSource=admin");
        assertEquals("mongo-a", seeds.host());
        assertEquals(27018, seeds.port());
        assertEquals("admin", seeds.query().get("authSource"));
    }

    @Test
    void refusesWhatCannotBeProbed() {
        assertThrows(IllegalArgumentException.class, () -> ServiceUrl.parse("localhost:5432"));
        assertThrows(IllegalArgumentException.class, () -> ServiceUrl.parse("postgres:///app"));
        assertThrows(IllegalArgumentException.class, () -> ServiceUrl.parse("postgres://db:99999/app"));
        assertThrows(IllegalArgumentException.class, () -> ServiceUrl.parse("postgres://app:%zz@db/app"));
    }
}
