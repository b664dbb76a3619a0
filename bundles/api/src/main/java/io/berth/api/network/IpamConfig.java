package io.berth.api.network;

/**
 * One address range of a network, as docker's {@code IPAM.Config} entry.
 *
 * @param subnet the subnet in CIDR form ({@code 10.80.0.0/20})
 * @param gateway the gateway address, or {@code null} for the subnet's first
 * @param ipRange the part of the subnet containers' addresses are taken from (CIDR), or {@code null} for all of it
 */
public record IpamConfig(String subnet, String gateway, String ipRange) {
}
