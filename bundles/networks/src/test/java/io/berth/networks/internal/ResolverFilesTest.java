package io.berth.networks.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResolverFilesTest {
    @Test
    void hostsAsDockerWritesThem() {
        assertThat(ResolverFiles.hosts("c1", "", List.of("db:10.0.0.9"), "10.66.0.2")).isEqualTo(
                "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
                        + "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
                        + "10.0.0.9\tdb\n10.66.0.2\tc1\n");
        assertThat(ResolverFiles.hosts("c1", "example.org", List.of(), null)).endsWith("127.0.0.1\tc1.example.org c1\n");
    }

    @Test
    void bridgeResolvConfDropsLoopbackNameservers() {
        List<String> host = List.of("# comment", "nameserver 127.0.0.53", "search lan", "options edns0");
        assertThat(ResolverFiles.resolvConf(host, List.of(), List.of(), List.of()))
                .isEqualTo("# comment\nsearch lan\noptions edns0\n\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
        assertThat(ResolverFiles.resolvConf(host, List.of("1.1.1.1"), List.of("x.test"), List.of("ndots:3")))
                .isEqualTo("# comment\nnameserver 1.1.1.1\nsearch x.test\noptions ndots:3\n");
    }

    @Test
    void userNetworksUseTheEmbeddedResolver() {
        List<String> host = List.of("nameserver 10.255.255.53", "search lan");
        assertThat(ResolverFiles.embedded("10.80.0.1", host, List.of(), List.of()))
                .isEqualTo("nameserver 10.80.0.1\nsearch lan\noptions ndots:0\n");
        assertThat(ResolverFiles.embedded("10.80.0.1", host, List.of(), List.of("ndots:2")))
                .isEqualTo("nameserver 10.80.0.1\nsearch lan\noptions ndots:2\n");
    }
}
