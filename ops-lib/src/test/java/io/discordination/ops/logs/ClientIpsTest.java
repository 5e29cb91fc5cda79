package io.discordination.ops.logs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientIpsTest {
    @Test
    void find_whenNamedFieldPresent_prefersItOverOtherAddresses() {
        assertThat(ClientIps.find("upstream=10.0.0.5 status=429 client_ip=203.0.113.77 x")).isEqualTo("203.0.113.77");
        assertThat(ClientIps.find("{\"ip\": \"198.51.100.14\", \"status\": 429}")).isEqualTo("198.51.100.14");
    }

    @Test
    void find_whenOnlyABareAddress_returnsTheFirst() {
        assertThat(ClientIps.find("429 from 192.0.2.45 via 10.0.0.1")).isEqualTo("192.0.2.45");
        assertThat(ClientIps.find("client_ip=2001:DB8::7 status=429")).isEqualTo("2001:DB8::7");
    }

    @Test
    void find_whenNoAddressOrNotAnAddress_returnsNull() {
        assertThat(ClientIps.find("status=429 duration_ms=1")).isNull();
        assertThat(ClientIps.find("version 1.2.3.4.5 build")).isNull();
        assertThat(ClientIps.find("value 999.1.1.1")).isNull();
    }
}
