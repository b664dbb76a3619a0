/**
 * The embedded DNS server through which containers on a user network find each other by name
 * (the networking reference, §3.5): a {@link io.berth.dns.DnsServer} bound on each network's
 * gateway answers from the engine's {@link io.berth.dns.NameTable}, scoped by the asking
 * container, and forwards everything else to the host's resolvers, read with
 * {@link io.berth.dns.ResolvConf}.
 *
 * <p>A library, not a bundle: the networks bundle embeds this package privately. The JDK only;
 * the wire codec (RFC 1035, RFC 3596, RFC 6891's OPT record) is this package's own.
 */
package io.berth.dns;
