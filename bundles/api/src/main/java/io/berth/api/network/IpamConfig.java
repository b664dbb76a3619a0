package io.berth.api.network;

/**
 * One address range of a network, as docker's {@code IPAM.Config} entry.
 *
 * @param subnet the subnet in CIDR form ({@code 10.80.0.0/20})
 * @param gateway the gateway address, or {@code null} for the subnet's first
 * @param ipRange the part of the subnet containers' addresses are taken from (CIDR), or {@code null} for all of it
 * @param impliedGateway whether the engine chose {@code gateway} for a subnet that the request named without
 *                       one: docker shows the configuration as asked then, without the gateway
 */
public record IpamConfig(String subnet, String gateway, String ipRange, boolean impliedGateway) {
    /** A range whose gateway was asked for, or chosen with the subnet. */
    public IpamConfig(String subnet, String gateway, String ipRange) {
        this(subnet, gateway, ipRange, false);
    }
}
